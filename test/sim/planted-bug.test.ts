// A checker that has never caught a planted bug is not trusted. Each test switches off one safety
// rule in every honest replica (ConsensusConfig.unsafeTestOnly, the consensus engineer's test-only
// switch) and searches a fixed seed range for a run whose safety checker reports a violation; the
// same seed with the rule intact must then pass safety, so the violation is the bug's doing.
import assert from 'node:assert/strict';
import { runSim, type SimReport } from '../../sim/run.js';
import { defaultSimOptions, type SimOptions } from '../../sim/options.js';
import type { UnsafeTestOnly } from '../../consensus/types.js';
import type { FaultClass } from '../../sim/faults.js';

function firstCaught(unsafe: UnsafeTestOnly, base: Omit<SimOptions, 'seed'>, seeds: number[]): { seed: number; report: SimReport } | null {
  for (const seed of seeds) {
    const { report } = runSim({ ...base, seed, unsafeTestOnly: unsafe });
    if (!report.safety.ok) return { seed, report };
  }
  return null;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('sim catches deliberately broken safety rules', function () {
  this.timeout(180_000);

  const cases: { rule: keyof UnsafeTestOnly; faults: FaultClass[]; seeds: number[] }[] = [
    // 1-chain commit: a block is committed before a quorum can be sure nobody will certify a sibling.
    { rule: 'commitOnOneChain', faults: ['loss', 'reorder', 'partition', 'crash', 'fork', 'equivocate'], seeds: [3, 6, 8, ...range(1, 40)] },
    // Lock check skipped: a forking Byzantine leader with a TC gets honest votes for a block that
    // orphans a committed one.
    { rule: 'skipLockCheck', faults: ['loss', 'partition', 'crash', 'fork'], seeds: [26, 27, ...range(1, 40)] },
  ];

  for (const c of cases) {
    it(`${c.rule}: an agreement violation is reported on some seed, and not without the bug`, () => {
      const base = { ...defaultSimOptions, commands: c.rule === 'skipLockCheck' ? 40 : 20, faults: c.faults };
      const caught = firstCaught({ [c.rule]: true }, base, c.seeds);
      assert.ok(caught, `no seed in ${c.seeds.length} caught ${c.rule}`);
      const kinds = caught.report.safety.violations.map((v) => v.kind);
      assert.ok(kinds.includes('agreement') || kinds.includes('conflict') || kinds.includes('execution'), `violation kinds: ${kinds.join(',')}`);
      const control = runSim({ ...base, seed: caught.seed }).report;
      assert.equal(control.safety.ok, true, `seed ${caught.seed} without ${c.rule}: ${JSON.stringify(control.safety.violations.slice(0, 2))}`);
    });
  }
});
