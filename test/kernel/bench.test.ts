import assert from 'node:assert/strict';
import { runKernelBench } from '../../node/cli/bench/kernel.js';
import { main } from '../../node/cli/main.js';

describe('knhk bench kernel', () => {
  it('measures decisions and full apply on the 20-rule descriptor with a mixed workload', function () {
    this.timeout(60_000);
    const r = runKernelBench(20_000, 4_000, 500);
    assert.equal(r.rules, 20);
    for (const k of ['ALLOW', 'DENY', 'REQUIRE_APPROVAL', 'FAILED']) assert.ok((r.decision.mix[k] ?? 0) > 0, `mix lacks ${k}`);
    assert.ok(r.decision.perSec > 0 && r.decision.p99Us >= r.decision.p50Us);
    assert.equal(r.apply.commands, 4_000);
    assert.ok(r.apply.perSec > 0 && r.apply.p99UsPerCommand >= r.apply.p50UsPerCommand);
    assert.ok(r.heap.endMb > 0);
    assert.ok(r.perBatch.emptyCpuUs > 0 && r.perBatch.fourCommandsCpuUs > 0);
  });

  it('--json prints exactly one JSON object', async function () {
    this.timeout(60_000);
    let out = '';
    const code = await main(['bench', 'kernel', '--decisions', '5000', '--commands', '2000', '--batch', '500', '--json'], { out: (t) => (out += t), err: () => undefined });
    assert.equal(code, 0);
    const parsed = JSON.parse(out);
    assert.equal(parsed.descriptor, 'bench-20-rules');
    assert.ok(parsed.apply.perSec > 0);
  });
});
