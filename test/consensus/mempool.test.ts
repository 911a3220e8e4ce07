// Mempool: dedup by (client, seq) against pending and committed, bounded, batch limits.
import { strict as assert } from 'node:assert';
import { COMMITTED_WINDOW, Mempool } from '../../consensus/mempool.js';
import { CommandSet } from '../../consensus/command-set.js';
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
  it('refuses committed commands, in or out of order', () => {
    const m = new Mempool(10);
    m.add(cmd('a', 1));
    m.markCommitted([cmd('a', 1), cmd('a', 3)]);
    assert.equal(m.size, 0);
    assert.equal(m.add(cmd('a', 1)), 'committed');
    assert.equal(m.add(cmd('a', 3)), 'committed');
    assert.equal(m.add(cmd('a', 2)), 'added', 'the gap is still open');
    m.markCommitted([cmd('a', 2)]);
    assert.equal(m.isCommitted(cmd('a', 2)), true);
    assert.equal(m.isCommitted(cmd('a', 4)), false);
    assert.equal(m.isCommitted(cmd('b', 1)), false);
  });
  it('supports clients numbering from 0 or from 1, and commits arriving out of order', () => {
    const m = new Mempool(10);
    m.markCommitted([cmd('zero', 0), cmd('one', 1), cmd('late', 3)]);
    assert.equal(m.isCommitted(cmd('zero', 1)), false);
    assert.equal(m.isCommitted(cmd('one', 1)), true);
    assert.equal(m.isCommitted(cmd('one', 2)), false);
    assert.equal(m.isCommitted(cmd('late', 0)), false, 'a client whose first commit is seq 3 still has 0..2 open');
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
    assert.deepEqual(m.take(3, 1000, new CommandSet()).map((c) => c.seq), [1, 2, 3]);
    assert.deepEqual(m.take(10, 25, new CommandSet()).map((c) => c.seq), [1, 2]);
    assert.deepEqual(m.take(2, 1000, CommandSet.of([cmd('a', 1)])).map((c) => c.seq), [2, 3]);
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

describe('mempool arrival order', () => {
  it('keeps arrival order across commits and compaction; a command that comes back goes last', () => {
    const m = new Mempool(1000);
    for (let s = 1; s <= 300; s++) m.add(cmd(`c${s % 7}`, s));
    // Commit two thirds (enough dead slots to compact), in an order unlike arrival.
    const gone = Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => s % 3 !== 0).reverse();
    m.markCommitted(gone.map((s) => cmd(`c${s % 7}`, s)));
    const left = Array.from({ length: 100 }, (_, i) => 3 * (i + 1));
    assert.equal(m.size, 100);
    assert.deepEqual(m.take(1000, 1 << 20, new CommandSet()).map((c) => c.seq), left);
    assert.deepEqual(m.take(5, 1 << 20, CommandSet.of([cmd('c3', 3)])).map((c) => c.seq), [6, 9, 12, 15, 18]);
    assert.equal(m.add(cmd('c3', 3)), 'duplicate');
    assert.equal(m.add(cmd('c1', 1)), 'committed');
  });
});

describe('mempool backlog', () => {
  it('keeps arrival order while a long backlog commits from the front', () => {
    const m = new Mempool(10_000);
    for (let s = 1; s <= 3000; s++) m.add(cmd(`c${s % 10}`, s));
    for (let from = 1; from <= 2000; from += 100) {
      m.markCommitted(Array.from({ length: 100 }, (_, i) => cmd(`c${(from + i) % 10}`, from + i)));
      assert.equal(m.take(3, 1 << 20, new CommandSet())[0].seq, from + 100);
    }
    assert.equal(m.size, 1000);
    assert.deepEqual(m.take(1000, 1 << 20, new CommandSet()).map((c) => c.seq), Array.from({ length: 1000 }, (_, i) => 2001 + i));
    m.markCommitted([cmd('c5', 2005)]);
    assert.equal(m.add(cmd('c5', 2005)), 'committed');
    assert.equal(m.take(5, 1 << 20, new CommandSet()).map((c) => c.seq).join(), '2001,2002,2003,2004,2006');
  });
});

describe('mempool window', () => {
  it('closes a gap older than the window, and never hands out a command that fell into it', () => {
    const m = new Mempool(10);
    m.add(cmd('a', 1));
    m.add(cmd('b', 1));
    const beyond = Array.from({ length: COMMITTED_WINDOW + 1 }, (_, i) => cmd('a', 3 + i));
    m.markCommitted(beyond);
    assert.equal(m.isCommitted(cmd('a', 2)), true, 'the gap counts as committed');
    assert.equal(m.isCommitted(cmd('a', 3 + COMMITTED_WINDOW + 1)), false);
    assert.deepEqual(m.take(10, 1000, new CommandSet()).map((c) => c.client), ['b']);
    assert.equal(m.size, 1);
  });
});

describe('mempool committed-history bound', () => {
  it('forgets the least recently committed client first, as a recency-ordered map would', () => {
    // Reference: the former implementation's order (a Map whose entry is deleted and re-inserted
    // the first time each batch commits that client). Seeded LCG, many batches, so the log is
    // compacted many times and clients are forgotten and come back.
    const limit = 40;
    const m = new Mempool(10, limit);
    const reference = new Map<string, number>(); // client -> highest committed seq
    let x = 12345;
    const next = (k: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % k);
    const seqs = new Map<string, number>();
    for (let b = 0; b < 3000; b++) {
      const batch: Command[] = [];
      const size = 1 + next(12);
      for (let i = 0; i < size; i++) {
        const client = `c${next(b < 1500 ? 120 : 60)}`;
        const seq = seqs.get(client) ?? 0;
        seqs.set(client, seq + 1);
        batch.push(cmd(client, seq));
      }
      const touched = new Set<string>();
      for (const c of batch) {
        if (!reference.has(c.client) && reference.size >= limit) reference.delete(reference.keys().next().value as string);
        if (!touched.has(c.client)) {
          touched.add(c.client);
          reference.delete(c.client);
        }
        reference.set(c.client, c.seq);
      }
      m.markCommitted(batch);
      for (const [client, seq] of seqs) {
        // A tracked client's last committed seq reads as committed; a forgotten one's does not
        // (its history restarts at its next commit, which begins a gap below it).
        const tracked = reference.has(client);
        assert.equal(m.isCommitted(cmd(client, seq - 1)), tracked && reference.get(client) === seq - 1, `batch ${b}, ${client}`);
      }
    }
  });
});
