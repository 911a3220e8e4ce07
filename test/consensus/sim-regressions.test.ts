// Seeds of `knhk sim --faults all` on which earlier versions of the core stalled (each fixed in
// consensus/, see docs/consensus.md): 16 (voter waited for an execution it could not reach),
// 14 (executed roots older than a restarted voter's history), 31 (restarted leader's replayed
// command refused forever), 52 (replicas stuck in different views after restarts), 4 (idle leader
// left lagging replicas unable to commit). Each must stay safe and complete nearly all operations.
// (If the simulator's fault plans change, these seeds may stop exercising those paths; the unit
// tests beside this file cover the rules themselves.)
import { strict as assert } from 'node:assert';
import { runSim } from '../../sim/run.js';
import { defaultSimOptions, type SimOptions } from '../../sim/options.js';

const allFaults = ['loss', 'dup', 'reorder', 'partition', 'crash', 'skew', 'equivocate', 'twins', 'fork', 'doublevote', 'badvote', 'withhold', 'garbage'];

describe('consensus regressions found by the simulator', function () {
  this.timeout(120_000);
  for (const seed of [4, 14, 16, 31, 52]) {
    it(`seed ${seed}: safe, and at least 95 of 100 operations complete`, () => {
      const options = { ...defaultSimOptions, nodes: 4, byzantine: 1, seed, commands: 100, faults: allFaults } as SimOptions;
      const { report } = runSim(options);
      assert.equal(report.safety.ok, true, JSON.stringify(report.safety.violations.slice(0, 2)));
      assert.ok(report.operations.completed >= 95, `${report.operations.completed}/100 completed; ${report.liveness.detail}`);
    });
  }
});
