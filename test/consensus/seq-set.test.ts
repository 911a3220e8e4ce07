// SeqSet (the mempool's committed seqs above a watermark) holds exactly what a Set<number> would.
import { strict as assert } from 'node:assert';
import { SeqSet } from '../../consensus/seq-set.js';

/** The reference: a plain Set, with absorb and min as the mempool used to compute them. */
function refAbsorb(s: Set<number>, w: number): number {
  while (s.size > 0 && s.delete(w + 1)) w++;
  return w;
}

describe('SeqSet', () => {
  it('matches a Set under seeded random adds, deletes, min and absorb', () => {
    let x = 7;
    const next = (k: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % k);
    for (let trial = 0; trial < 200; trial++) {
      const s = new SeqSet();
      const ref = new Set<number>();
      let w = -1;
      let wRef = -1;
      let cursor = next(50);
      for (let step = 0; step < 300; step++) {
        const r = next(100);
        if (r < 60) {
          // Mostly consecutive seqs (the common case), some jumps and some repeats.
          cursor += next(10) === 0 ? next(6) - 2 : 1;
          if (cursor > w) {
            s.add(cursor);
            ref.add(cursor);
          }
        } else if (r < 70) {
          const y = w + 1 + next(40);
          s.add(y);
          ref.add(y);
        } else if (r < 80) {
          const y = w + 1 + next(40);
          assert.equal(s.delete(y), ref.delete(y), `delete ${y}`);
        } else if (r < 90) {
          w = s.absorbInto(w);
          wRef = refAbsorb(ref, wRef);
          assert.equal(w, wRef, 'absorb');
        } else {
          let m = Infinity;
          for (const y of ref) if (y < m) m = y;
          assert.equal(s.min(), m, 'min');
        }
        assert.equal(s.size, ref.size, `size at step ${step}`);
        for (let y = w - 2; y < w + 60; y++) assert.equal(s.has(y), ref.has(y), `has ${y} at step ${step}`);
      }
    }
  });
  it('keeps a run of consecutive seqs without a Set', () => {
    const s = new SeqSet();
    for (let i = 1000; i < 2000; i++) s.add(i);
    assert.equal(s.size, 1000);
    assert.equal((s as unknown as { rest: Set<number> | null }).rest, null);
    assert.equal(s.absorbInto(999), 1999);
    assert.equal(s.size, 0);
  });
});
