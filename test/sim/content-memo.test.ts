import assert from 'node:assert/strict';
import { ContentMemo, contentKey } from '../../sim/content-memo.js';

describe('sim/content-memo', () => {
  it('computes once per distinct content, whatever object carries it', () => {
    let calls = 0;
    const memo = new ContentMemo<number>((b) => (calls++, b.reduce((s, x) => s + x, 0)));
    assert.equal(memo.get(new Uint8Array([1, 2, 3])), 6);
    assert.equal(memo.get(new Uint8Array([1, 2, 3])), 6);
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    assert.equal(memo.get(view), 6);
    assert.equal(calls, 1);
    assert.equal(memo.get(new Uint8Array([1, 2, 4])), 7);
    assert.equal(calls, 2);
  });

  it('keys are exact: distinct bytes never share a key, including high bytes', () => {
    assert.notEqual(contentKey(new Uint8Array([0xff])), contentKey(new Uint8Array([0xfd])));
    assert.notEqual(contentKey(new Uint8Array([0, 0])), contentKey(new Uint8Array([0])));
    assert.equal(contentKey(new Uint8Array([0x80, 0x00, 0xff])).length, 3);
  });

  it('starts over when full, and still answers correctly', () => {
    let calls = 0;
    const memo = new ContentMemo<number>((b) => (calls++, b[0]), 2);
    for (let i = 0; i < 5; i++) assert.equal(memo.get(new Uint8Array([i])), i);
    assert.equal(memo.get(new Uint8Array([0])), 0);
    assert.equal(calls, 6);
  });
});
