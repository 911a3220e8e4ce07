// The compiler never throws on malformed input: seeded random mutations of every example either
// compile or give errors whose paths lie inside the workflow.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cancelTask, compileWorkflow, completeTask, enabledTasks, startCase } from '../../../kernel/workflow/api.js';
import type { CompiledWorkflow } from '../../../kernel/workflow/api.js';
import { exampleFiles } from './helpers.js';
import { mulberry32 as prng } from '../../support/prng.js';


type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const JUNK: Json[] = [null, true, 0, -1, 2.5, 1e300, '', 'x', 'a->b', '__proto__', 'constructor', [], {}, ['zzz'], { to: 'zzz' }, [{ to: 1 }]];

const KINDS: Json[] = ['xor', 'and', 'or', 'discriminator', true, 2, 3];

function stringsOf(doc: Json, out: Set<string>): Set<string> {
  if (typeof doc === 'string') out.add(doc);
  else if (Array.isArray(doc)) doc.forEach((d) => stringsOf(d, out));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) {
    out.add(k);
    stringsOf(v, out);
  }
  return out;
}

/**
 * Replace one randomly chosen value (or drop/add a key) somewhere in the document. Most
 * replacements are plausible (another id of the document, a join/split kind), so a fair share of
 * mutants still compile and get run.
 */
function mutate(doc: Json, rand: () => number, vocabulary: readonly Json[]): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  if (doc === null || typeof doc !== 'object') return rand() < 0.8 ? pick(vocabulary) : pick(JUNK);
  if (rand() < 0.03) return pick(JUNK);
  if (Array.isArray(doc)) {
    if (doc.length === 0) return [pick(JUNK)];
    const i = Math.floor(rand() * doc.length);
    const copy = [...doc];
    if (rand() < 0.2) copy.splice(i, 1);
    else copy[i] = mutate(copy[i], rand, vocabulary);
    return copy;
  }
  const keys = Object.keys(doc);
  const copy = { ...doc };
  if (keys.length === 0 || rand() < 0.1) copy[pick(['next', 'join', 'split', 'extra', 'orJoin', 'cancels', 'milestone', 'instances'])] = pick(rand() < 0.7 ? vocabulary : JUNK);
  else {
    const k = pick(keys);
    if (rand() < 0.15) delete copy[k];
    else copy[k] = mutate(copy[k], rand, vocabulary);
  }
  return copy;
}

/** Drive a compiled mutant with random steps: the engine must never throw on a net the compiler accepted. */
function shake(wf: CompiledWorkflow, rand: () => number): void {
  let c = startCase(wf, 'fz');
  for (let i = 0; i < 40 && c.status === 'running'; i++) {
    const enabled = enabledTasks(wf, c);
    if (enabled.length === 0) return;
    const t = wf.tasks[enabled[Math.floor(rand() * enabled.length)]];
    const choices = t.split === 'and' ? [] : t.branches.filter(() => rand() < 0.5).map((b) => b.to);
    const r = rand() < 0.1 ? cancelTask(wf, c, t.id) : completeTask(wf, c, t.id, { choices });
    if (r.ok) c = r.case;
  }
}

describe('workflow compiler fuzz', () => {
  it('never throws; every error names a path inside the workflow; accepted mutants run (2,000 mutants)', () => {
    const docs = exampleFiles().map((f) => {
      const wfs = (JSON.parse(readFileSync(new URL(`../../../kernel/examples/workflows/${f}`, import.meta.url), 'utf8')) as { workflows: Record<string, Json> }).workflows;
      return wfs[Object.keys(wfs)[0]];
    });
    const rand = prng(42);
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      let doc = docs[i % docs.length];
      const rounds = 1 + Math.floor(rand() * 2);
      const vocabulary = [...[...stringsOf(doc, new Set())].sort(), ...KINDS];
      for (let r = 0; r < rounds; r++) doc = mutate(doc, rand, vocabulary);
      const result = compileWorkflow(doc, 'workflows.fz');
      if (result.ok) {
        shake(result.workflow, rand);
        continue;
      }
      rejected++;
      assert.ok(result.errors.length > 0);
      for (const e of result.errors) {
        assert.ok(e.path === 'workflows.fz' || e.path.startsWith('workflows.fz.'), `path ${e.path}`);
        assert.ok(typeof e.message === 'string' && e.message.length > 0 && e.message.length < 400, e.message);
      }
    }
    assert.ok(rejected > 1000 && rejected < 1980, `most mutants, not all, must be rejected (${rejected})`);
  });
});
