import assert from 'node:assert/strict';
import { sortStringsInPlace } from '../../crypto/small-sort.js';

describe('sortStringsInPlace', () => {
  it('orders like sort() with no comparator, for short and long arrays, in place', () => {
    let x = 7;
    const rnd = () => (x = (Math.imul(x, 48271) + 11) >>> 0) % 1000;
    const alphabet = ['a', 'B', 'b', '_', 'é', '日', '🙂', 'a0', 'aa', ''];
    for (let n = 0; n <= 24; n++) {
      for (let t = 0; t < 20; t++) {
        const a = Array.from({ length: n }, () => alphabet[rnd() % alphabet.length] + alphabet[rnd() % alphabet.length]);
        const expected = [...a].sort();
        const same = sortStringsInPlace(a);
        assert.equal(same, a);
        assert.deepEqual(a, expected);
      }
    }
  });
});
