// Pacemaker back-off and block identity.
import { strict as assert } from 'node:assert';
import { Pacemaker, viewTimeoutMs } from '../../consensus/pacemaker.js';
import { blockHash, genesisQc, makeBlock } from '../../consensus/block.js';
import type { Block } from '../../consensus/types.js';

describe('pacemaker', () => {
  it('doubles the timeout per consecutive failure up to the maximum, resets on progress', () => {
    assert.equal(viewTimeoutMs(100, 1000, 0), 100);
    assert.equal(viewTimeoutMs(100, 1000, 3), 800);
    assert.equal(viewTimeoutMs(100, 1000, 4), 1000);
    assert.equal(viewTimeoutMs(100, 1000, 5000), 1000);
    const pm = new Pacemaker(1, 100, 1000);
    assert.equal(pm.advance(2, 'tc', { view: 1, timeouts: [] }), true);
    assert.equal(pm.advance(3, 'tc', { view: 2, timeouts: [] }), true);
    assert.equal(pm.timeoutMs(), 400);
    assert.equal(pm.lastTc?.view, 2);
    assert.equal(pm.advance(3, 'qc', null), false, 'never moves back or sideways');
    assert.equal(pm.advance(4, 'qc', null), true);
    assert.equal(pm.timeoutMs(), 100);
    assert.equal(pm.lastTc, null);
  });
});

describe('block identity', () => {
  const base = makeBlock({ view: 3, justify: genesisQc(), proposer: 3, commands: [{ client: 'c', seq: 1, bytes: Uint8Array.of(1, 2) }], executed: null });
  it('makeBlock links to its justify and hashes deterministically', () => {
    assert.equal(base.height, 1);
    assert.deepEqual(base.parent, genesisQc().blockHash);
    assert.deepEqual(blockHash(base), base.hash);
  });
  it('every header field and every command byte changes the hash', () => {
    const variants: Partial<Block>[] = [
      { view: 4 }, { height: 2 }, { proposer: 2 }, { parent: new Uint8Array(32) },
      { commands: [{ client: 'c', seq: 2, bytes: Uint8Array.of(1, 2) }] },
      { commands: [{ client: 'd', seq: 1, bytes: Uint8Array.of(1, 2) }] },
      { commands: [{ client: 'c', seq: 1, bytes: Uint8Array.of(1, 3) }] },
      { commands: [] },
      { executed: { height: 0, blockHash: new Uint8Array(32), stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32) } },
      { justify: { ...genesisQc(), view: 1 } },
    ];
    const seen = new Set([Buffer.from(base.hash).toString('hex')]);
    for (const v of variants) seen.add(Buffer.from(blockHash({ ...base, ...v })).toString('hex'));
    assert.equal(seen.size, variants.length + 1);
  });
  it('command boundaries are unambiguous (length-prefixed)', () => {
    const a = makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: [{ client: 'ab', seq: 1, bytes: Uint8Array.of(1) }], executed: null });
    const b = makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: [{ client: 'a', seq: 1, bytes: Uint8Array.of(1) }], executed: null });
    assert.notDeepEqual(a.hash, b.hash);
  });
});
