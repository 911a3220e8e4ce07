import assert from 'node:assert/strict';
import { restoreState, snapshotEncoder, snapshotState, stateKeyCount, stateRoot } from '../../kernel/api.js';
import { Chain, Client, kvKernel } from './helpers.js';

describe('kernel snapshot encoder (in slices)', () => {
  const c = new Client();
  function chainWithKeys(n: number): Chain {
    const chain = new Chain(kvKernel());
    for (let i = 0; i < n; i += 50) {
      chain.apply(Array.from({ length: Math.min(50, n - i) }, (_, j) => c.cmd(j % 2 ? 'alice' : 'bob', 'put', { key: `key-${i + j}`, value: `v${i + j}` })));
    }
    return chain;
  }

  it('gives exactly snapshotState bytes, whatever the slice size', () => {
    const chain = chainWithKeys(230);
    const whole = snapshotState(chain.state);
    for (const slice of [1, 7, 64, 100_000]) {
      const e = snapshotEncoder(chain.state);
      let turns = 0;
      while (!e.encode(slice)) turns++;
      assert.deepEqual(e.bytes(), whole, `slice ${slice}`);
      assert.equal(turns, Math.ceil(e.size / slice) - 1);
    }
    assert.equal(stateKeyCount(chain.state), snapshotEncoder(chain.state).size);
    assert.ok(stateKeyCount(chain.state) >= 230);
  });

  it('encodes the state as it was when created, not blocks applied meanwhile', () => {
    const chain = chainWithKeys(120);
    const before = snapshotState(chain.state);
    const rootBefore = stateRoot(chain.state);
    const e = snapshotEncoder(chain.state);
    e.encode(10);
    chain.apply([c.cmd('alice', 'put', { key: 'key-3', value: 'changed' }), c.cmd('bob', 'put', { key: 'new-key', value: 'x' })]);
    while (!e.encode(10));
    assert.deepEqual(e.bytes(), before);
    assert.deepEqual(stateRoot(restoreState(e.bytes())), rootBefore);
    assert.notDeepEqual(stateRoot(chain.state), rootBefore);
  });

  it('refuses to hand out bytes before every entry is encoded', () => {
    const e = snapshotEncoder(chainWithKeys(10).state);
    e.encode(2);
    assert.throws(() => e.bytes(), /not encoded yet/);
  });
});
