import assert from 'node:assert/strict';
import { Prng } from '../../sim/prng.js';
import { EventQueue } from '../../sim/event-queue.js';

describe('sim/prng', () => {
  it('gives the same stream for the same seed and different streams for neighbouring seeds', () => {
    const a = new Prng(42), b = new Prng(42), c = new Prng(43);
    const sa = Array.from({ length: 16 }, () => a.nextU32());
    const sb = Array.from({ length: 16 }, () => b.nextU32());
    const sc = Array.from({ length: 16 }, () => c.nextU32());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, sc);
  });

  it('keeps int() inside its bounds and hits both ends', () => {
    const p = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = p.int(3, 6);
      assert.ok(v >= 3 && v <= 6);
      seen.add(v);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  });

  it('has a roughly uniform next()', () => {
    const p = new Prng(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) sum += p.next();
    assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
  });

  it('rejects a non-integer seed', () => {
    assert.throws(() => new Prng(1.5), RangeError);
  });
});

describe('sim/event-queue', () => {
  it('pops by time, and by insertion order at equal times', () => {
    const q = new EventQueue<string>();
    q.push(5, 'c');
    q.push(1, 'a');
    q.push(5, 'd');
    q.push(1, 'b');
    q.push(0, 'z');
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.event);
    assert.deepEqual(out, ['z', 'a', 'b', 'c', 'd']);
  });

  it('matches a sorted reference on random input', () => {
    const p = new Prng(9);
    const q = new EventQueue<number>();
    const ref: { t: number; i: number }[] = [];
    for (let i = 0; i < 500; i++) {
      const t = p.int(0, 50);
      q.push(t, i);
      ref.push({ t, i });
    }
    ref.sort((x, y) => x.t - y.t || x.i - y.i);
    assert.deepEqual(Array.from({ length: 500 }, () => q.pop()!.event), ref.map((r) => r.i));
    assert.equal(q.pop(), undefined);
  });

  it('rejects a negative or NaN time', () => {
    const q = new EventQueue<number>();
    assert.throws(() => q.push(-1, 0), RangeError);
    assert.throws(() => q.push(NaN, 0), RangeError);
  });
});
