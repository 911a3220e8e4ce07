import assert from 'node:assert/strict';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { applyBatch, compileDescriptor, createKernel, DescriptorCompileError } from '../../kernel/api.js';
import { prng, randomBatches } from './fixtures/random-workload.js';
import { example, genesisWith } from './helpers.js';

type Json = CanonicalValue;

/** Every path (list of keys/indices) inside `v`. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) for (const k of Object.keys(v)) paths((v as Record<string, Json>)[k], [...at, k], out);
  return out;
}

/** The value at path `p`, or undefined when an earlier mutation removed it. */
function valueAt(v: Json, p: (string | number)[]): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of p) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[k];
  }
  return cur;
}

function mutate(src: Json, rnd: () => number): Json {
  const d = structuredClone(src) as Record<string, Json>;
  const all = paths(d).filter((p) => p.length > 0);
  const junk: Json[] = [null, true, 0, -1, 2 ** 40, 'x', '', 'put', 'ALLOW', [], {}, [1, 'a'], { field: 'key' }, { state: 'kv' }, { all: [] }, 1.5 as Json];
  const steps = 1 + Math.floor(rnd() * 3);
  for (let s = 0; s < steps; s++) {
    const p = all[Math.floor(rnd() * all.length)];
    const parent = valueAt(d, p.slice(0, -1));
    if (parent === undefined || parent === null || typeof parent !== 'object') continue;
    const last = p[p.length - 1];
    const r = rnd();
    if (r < 0.35) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete (parent as Record<string, Json>)[last as string];
    } else if (r < 0.8) (parent as Record<string | number, Json>)[last] = junk[Math.floor(rnd() * junk.length)];
    else (parent as Record<string | number, Json>)[last] = structuredClone(valueAt(d, all[Math.floor(rnd() * all.length)]) ?? null);
  }
  return d;
}

describe('descriptor compiler fuzz', () => {
  it('never throws anything but DescriptorCompileError, and accepted mutants execute without throwing', function () {
    this.timeout(60_000);
    const rnd = prng(7);
    const sources = [example('governance'), example('bench-20-rules'), example('kv')];
    let accepted = 0;
    let rejected = 0;
    const workload = randomBatches(3, 2, 30);
    for (let i = 0; i < 600; i++) {
      const m = mutate(sources[i % sources.length], rnd);
      try {
        compileDescriptor(m);
      } catch (e) {
        assert.ok(e instanceof DescriptorCompileError, `mutant ${i} threw ${(e as Error).stack}`);
        assert.ok(e.errors.length > 0 && e.errors.every((x) => typeof x.path === 'string' && x.message.length > 0));
        rejected++;
        continue;
      }
      accepted++;
      const s0 = createKernel(genesisWith(m, { agent: { commands: ['*'], roles: ['approver', 'trusted'] }, ann: { commands: ['*'], roles: ['approver'] } }));
      const batch = workload.flat().map((c) => ({ ...c, principal: c.principal === 'mallory' ? 'mallory' : c.seq % 2 ? 'agent' : 'ann' }));
      const r = applyBatch(s0, batch, { height: 1 });
      assert.equal(r.receipts.length, batch.length);
      const internal = r.receipts.find((x) => x.ruleId === 'kernel.internal' || /internal error/.test(x.reason ?? ''));
      assert.equal(internal, undefined, `mutant ${i}: ${internal?.reason}\n${JSON.stringify(m)}`);
    }
    assert.ok(accepted > 20 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });
});
