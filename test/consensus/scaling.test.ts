// Messages per committed block grow linearly in n: a proposal broadcast plus n-1 votes per block
// (2(n-1)) while leaders are good. Throughput itself is measured by test/consensus/perf.ts.
import { strict as assert } from 'node:assert';
import { runPerf } from './perf.js';

describe('consensus message complexity', () => {
  it('is 2(n-1) messages per committed block for n = 4, 7, 16 with good leaders', () => {
    for (const n of [4, 7, 16]) {
      const r = runPerf(n, 2000, 100, 'all');
      assert.equal(r.committed, 2000, `n=${n} committed everything`);
      assert.ok(Math.abs(r.messagesPerBlock - 2 * (n - 1)) <= 0.1 * 2 * (n - 1), `n=${n}: ${r.messagesPerBlock} msgs/block`);
    }
  });
});
