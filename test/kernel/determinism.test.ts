import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBatches, run } from './fixtures/random-workload.js';
import { applyBatch, stateRoot } from '../../kernel/api.js';
import { governanceKernel } from './helpers.js';

describe('kernel determinism (property tests)', () => {
  const seeds = [1, 2, 3, 42, 1337];

  it('the same random command sequence applied twice gives identical roots and receipts', () => {
    for (const seed of seeds) {
      const a = run(seed, 12, 40);
      const b = run(seed, 12, 40);
      assert.deepEqual(a, b, `seed ${seed}`);
    }
  });

  it('different sequences give different roots (the roots depend on the commands)', () => {
    const a = run(1, 4, 20);
    const b = run(2, 4, 20);
    assert.notDeepEqual(a.stateRoots[3], b.stateRoots[3]);
    assert.notDeepEqual(a.receiptsRoots[3], b.receiptsRoots[3]);
  });

  it('the workload exercises every outcome (so the property is not vacuous)', () => {
    let s = governanceKernel();
    const seen = new Set<string>();
    randomBatches(42, 10, 50).forEach((batch, i) => {
      const r = applyBatch(s, batch, { height: i + 1 });
      for (const rc of r.receipts) seen.add(rc.result);
      s = r.state;
    });
    for (const result of ['ok', 'denied', 'failed', 'pending']) assert.ok(seen.has(result), `no ${result} receipt`);
  });

  it('snapshot and restore between batches does not change any root', () => {
    for (const seed of seeds) assert.deepEqual(run(seed, 12, 40, 3), run(seed, 12, 40), `seed ${seed}`);
  });

  it('another process computes byte-identical roots', function () {
    this.timeout(30_000);
    const script = fileURLToPath(new URL('./fixtures/roots-cli.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, '42', '12', '40'], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), run(42, 12, 40));
  });

  it('applyBatch does not depend on the identity of input objects (fresh copies give the same root)', () => {
    const batch = randomBatches(9, 1, 60)[0];
    const a = applyBatch(governanceKernel(), batch, { height: 1 });
    const b = applyBatch(governanceKernel(), structuredClone(batch), { height: 1 });
    assert.deepEqual(stateRoot(a.state), stateRoot(b.state));
    assert.deepEqual(a.receiptBytes, b.receiptBytes);
  });
});
