// Mempool: dedup by (client, seq) against pending and committed, bounded, batch limits.
import { strict as assert } from 'node:assert';
import { COMMITTED_WINDOW, Mempool } from '../../consensus/mempool.js';
import { commandKey } from '../../consensus/block.js';
import type { Command } from '../../consensus/types.js';

const cmd = (client: string, seq: number, size = 4): Command => ({ client, seq, bytes: new Uint8Array(size) });

describe('mempool', () => {
  it('deduplicates pending commands by (client, seq)', () => {
    const m = new Mempool(10);
    assert.equal(m.add(cmd('a', 1)), 'added');
    assert.equal(m.add(cmd('a', 1, 9)), 'duplicate');
    assert.equal(m.add(cmd('b', 1)), 'added');
    assert.equal(m.size, 2);
  });
  it('refuses committed commands, also older than the remembered window', () => {
    const m = new Mempool(10);
    m.add(cmd('a', 1));
    m.markCommitted([cmd('a', 1), cmd('a', 5000)]);
    assert.equal(m.size, 0);
    assert.equal(m.add(cmd('a', 1)), 'committed');
    assert.equal(m.add(cmd('a', 5000)), 'committed');
    assert.equal(m.add(cmd('a', 5000 - COMMITTED_WINDOW)), 'committed');
    assert.equal(m.add(cmd('a', 4999)), 'added');
  });
  it('is bounded', () => {
    const m = new Mempool(2);
    m.add(cmd('a', 1));
    m.add(cmd('a', 2));
    assert.equal(m.add(cmd('a', 3)), 'full');
  });
  it('takes in arrival order within count and byte limits, skipping excluded keys, without removing', () => {
    const m = new Mempool(10);
    for (let s = 1; s <= 5; s++) m.add(cmd('a', s, 10));
    assert.deepEqual(m.take(3, 1000, new Set()).map((c) => c.seq), [1, 2, 3]);
    assert.deepEqual(m.take(10, 25, new Set()).map((c) => c.seq), [1, 2]);
    assert.deepEqual(m.take(2, 1000, new Set([commandKey(cmd('a', 1))])).map((c) => c.seq), [2, 3]);
    assert.equal(m.size, 5);
  });
  it('keeps per-client history bounded while many sequential commands commit', () => {
    const m = new Mempool(10);
    for (let s = 1; s <= 10 * COMMITTED_WINDOW; s++) m.markCommitted([cmd('a', s)]);
    assert.equal(m.isCommitted(cmd('a', 10 * COMMITTED_WINDOW)), true);
    assert.equal(m.isCommitted(cmd('a', 1)), true);
    assert.equal(m.isCommitted(cmd('a', 10 * COMMITTED_WINDOW + 1)), false);
  });
});
