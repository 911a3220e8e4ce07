// The chaos driver's core (scripts/chaos/run.ts), short and with a fixed seed: 4 real replica
// processes, 8 SDK clients, three faults (seed 16 draws SIGSTOP, SIGKILL, SIGKILL), then every
// invariant the driver checks. The run must not pass vacuously: faults were applied and healed,
// commands were acknowledged before, during and after them, and the store check does catch a
// receipt that is not where an acknowledgement says it is.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkChains } from '../../../scripts/chaos/chain-check.js';
import { DEFAULT_CHAOS, runChaos, type ChaosResult } from '../../../scripts/chaos/run.js';

describe('integration: chaos soak of a local cluster (seed 16, 3 faults)', function () {
  this.timeout(120_000);
  let dir: string;
  let result: ChaosResult;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-chaos-it-'));
    result = await runChaos({
      ...DEFAULT_CHAOS,
      seed: 16,
      durationMs: 60_000,
      maxFaults: 3,
      kinds: ['kill', 'stop'],
      clients: 8,
      warmupMs: 3000,
      faultGapMs: [1000, 2000],
      convergeTimeoutMs: 30_000,
      dir,
      cleanup: 'never',
      logLevel: 'warn',
      log: (line) => {
        if (process.env.KNHK_IT_VERBOSE) console.log(line);
      },
    });
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every invariant through SIGSTOP and SIGKILL faults', () => {
    const s = result.summary;
    assert.deepEqual(s.violations, []);
    assert.ok(s.ok);
    // Faults really happened: both signals, every target brought back.
    assert.equal(s.faults.length, 3);
    const signals = new Set(s.faults.flatMap((f) => f.targets.map((t) => t.signal)));
    assert.ok(signals.has('SIGKILL') && signals.has('SIGSTOP'), `signals applied: ${[...signals].join(', ')}`);
    for (const f of s.faults) assert.ok(f.healedAtMs !== null && f.error === undefined, `fault ${f.index} did not heal: ${f.error ?? ''}`);
    // Commands were acknowledged before, during and after the faults, and commits resumed in time.
    assert.ok(s.acks.beforeFirstFault > 0, 'no command acknowledged before the first fault');
    assert.ok(s.acks.duringFaults > 0, 'no command acknowledged during the fault phase');
    assert.ok(s.acks.afterLastHeal > 0, 'no command acknowledged after the last fault healed');
    assert.ok(s.recoveryAfterLastHealMs !== null && s.recoveryAfterLastHealMs <= DEFAULT_CHAOS.recoveryBoundMs);
    // Every acknowledged receipt was checked on each replica that stores its height; a replica
    // that installed a snapshot during catch-up stores only the heights above it (prunedBelow).
    assert.ok(s.convergence.converged);
    const figures = JSON.stringify(s.chain.replicas);
    for (const r of s.chain.replicas) assert.equal(r.acksHeld + r.acksNotHeld, s.acks.total, figures);
    assert.ok(s.chain.replicas.some((r) => r.acksHeld === s.acks.total), `no replica holds every acknowledged receipt: ${figures}`);
    assert.ok(s.chain.replicas.filter((r) => r.prunedBelow <= 1).every((r) => r.acksHeld === s.acks.total), figures);
    assert.ok(s.chain.comparedHeights > 0);
    for (const r of s.rss) assert.ok(r.samples > 0 && r.maxMb > 0 && r.maxMb <= DEFAULT_CHAOS.rssLimitMb, `replica ${r.replica} RSS ${r.maxMb} MB`);
    assert.deepEqual(s.exits, []);
  });

  it('the store check catches an acknowledgement that does not match the chain', async () => {
    const a = result.acks[result.acks.length - 1];
    const bytes = new Uint8Array(a.record.receiptBytes);
    bytes[bytes.length - 1] ^= 1;
    const check = await checkChains(dir, 4, [{ ...a, record: { ...a.record, receiptBytes: bytes } }]);
    assert.equal(check.violations.length, 4, check.violations.join('\n'));
    assert.match(check.violations[0], /is not there: another receipt or block/);
  });
});
