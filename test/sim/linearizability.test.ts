import assert from 'node:assert/strict';
import type { HistoryOp } from '../../sim/history.js';
import { History } from '../../sim/history.js';
import { checkLinearizable } from '../../sim/linearizability.js';

let seq = 0;
function put(client: string, key: string, value: string, invoke: number, complete: number | null): HistoryOp {
  return { client, seq: seq++, op: 'put', key, value, invoke, complete, result: complete === null ? null : 'ok' };
}
function get(client: string, key: string, result: string | null, invoke: number, complete: number | null): HistoryOp {
  return { client, seq: seq++, op: 'get', key, value: null, invoke, complete, result };
}

describe('sim/linearizability', () => {
  it('accepts a sequential history', () => {
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, 1), get('b', 'x', '1', 2, 3), put('a', 'x', '2', 4, 5), get('b', 'x', '2', 6, 7)]).ok, true);
  });

  it('catches a stale read (a get after a completed put returns the old value)', () => {
    const r = checkLinearizable([put('a', 'x', '1', 0, 10), get('b', 'x', null, 20, 30)]);
    assert.equal(r.ok, false);
    assert.equal(r.key, 'x');
  });

  it('catches a read of a value never written', () => {
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, 10), get('b', 'x', '7', 20, 30)]).ok, false);
  });

  it('accepts either order for concurrent ops', () => {
    // put 1 and get overlap: the get may see null or 1.
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, 10), get('b', 'x', null, 5, 15)]).ok, true);
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, 10), get('b', 'x', '1', 5, 15)]).ok, true);
  });

  it('rejects two reads that see concurrent writes in opposite orders', () => {
    const h = [
      put('a', 'x', '1', 0, 100),
      put('b', 'x', '2', 0, 100),
      get('c', 'x', '1', 10, 20),
      get('c', 'x', '2', 30, 40),
      get('d', 'x', '1', 50, 60),
    ];
    assert.equal(checkLinearizable(h).ok, false);
  });

  it('lets a pending put take effect late, or never', () => {
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, null), get('b', 'x', null, 5, 6), get('b', 'x', '1', 50, 60)]).ok, true);
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, null), get('b', 'x', null, 50, 60)]).ok, true);
    // ...but not take effect and then un-happen.
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, null), get('b', 'x', '1', 5, 6), get('b', 'x', null, 50, 60)]).ok, false);
  });

  it('checks keys independently', () => {
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, 1), get('b', 'y', null, 2, 3), get('b', 'x', '1', 2, 3)]).ok, true);
    assert.equal(checkLinearizable([put('a', 'x', '1', 0, 1), get('b', 'y', '1', 2, 3)]).ok, false);
  });

  it('handles a long concurrent history quickly', () => {
    const h: HistoryOp[] = [];
    let v = 0;
    for (let t = 0; t < 400; t += 4) {
      h.push(put('a', 'k', String(++v), t, t + 3));
      h.push(get('b', 'k', String(v), t + 1, t + 6));
      h.push(get('c', 'k', String(v), t + 2, t + 5));
    }
    const start = process.hrtime.bigint();
    assert.equal(checkLinearizable(h).ok, true);
    assert.ok(Number(process.hrtime.bigint() - start) / 1e6 < 2000);
  });

  it('History records the first completion and writes JSON lines', () => {
    const hist = new History();
    hist.invoke('c1', 1, 'put', 'x', 'v', 3);
    assert.equal(hist.complete('c1', 1, 9, 'ok'), true);
    assert.equal(hist.complete('c1', 1, 12, 'ok'), false);
    hist.invoke('c1', 2, 'get', 'x', null, 13);
    const lines = hist.toJsonLines().trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { client: 'c1', seq: 1, op: 'put', key: 'x', value: 'v', invoke: 3, complete: 9, result: 'ok' });
    assert.equal(lines[1].complete, null);
  });
});
