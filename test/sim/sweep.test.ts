import assert from 'node:assert/strict';
import { runSweep, parseSeedRange } from '../../sim/sweep.js';
import { runSweepParallel } from '../../sim/parallel-sweep.js';
import { defaultSimOptions } from '../../sim/options.js';

describe('sim sweeps', function () {
  this.timeout(120_000);

  it('parses seed ranges and rejects bad ones', () => {
    assert.deepEqual(parseSeedRange('1..200'), { from: 1, to: 200 });
    assert.deepEqual(parseSeedRange('7'), { from: 7, to: 7 });
    for (const bad of ['', 'a..b', '5..1', '1..', '-1..3']) assert.throws(() => parseSeedRange(bad), RangeError, bad);
  });

  it('a sweep on worker threads reports exactly what a one-thread sweep reports', async () => {
    const base = { ...defaultSimOptions, commands: 10, faults: ['loss' as const, 'crash' as const, 'equivocate' as const] };
    const one = runSweep(base, 1, 3);
    const many = await runSweepParallel(base, 1, 3, 2);
    const { wallMs: _a, ...oneRest } = one;
    const { wallMs: _b, ...manyRest } = many;
    assert.deepEqual(manyRest, oneRest);
    assert.equal(one.runs, 3);
  });
});
