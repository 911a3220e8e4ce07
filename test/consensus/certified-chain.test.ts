// Replica.certifiedChainAbove: what catch-up serves above a replica's newest committed block so a
// peer can prove that block committed (2-chain) even when the chain has gone idle.
import { strict as assert } from 'node:assert';
import { bytesEqual } from '../../crypto/bytes.js';
import { Cluster } from './harness.js';

describe('consensus certifiedChainAbove', () => {
  it('returns the certified blocks above the committed tip, oldest first, each certified by the QC beside it', () => {
    const c = new Cluster(4);
    c.start();
    for (let s = 1; s <= 12; s++) c.submit(s % 4, 'client', s);
    c.run(5_000);
    const r = c.replicas[0];
    const tip = r.committedHeight;
    assert.ok(tip > 0, 'something committed');
    const chain = r.certifiedChainAbove(tip, 8);
    assert.ok(chain.length > 0, 'the commit proof lies above the committed tip');
    assert.equal(chain[0].block.height, tip + 1);
    for (let i = 0; i < chain.length; i++) {
      const { block, qc } = chain[i];
      assert.ok(bytesEqual(qc.blockHash, block.hash) && qc.height === block.height, `QC beside block ${block.height} certifies it`);
      if (i > 0) assert.ok(bytesEqual(block.parent, chain[i - 1].block.hash), 'each block extends the previous one');
    }
    assert.deepEqual(r.certifiedChainAbove(tip, 1).map((x) => x.block.height), [tip + 1], 'at most max blocks');
    // A height the branch does not pass through (above the highest certified block) gives nothing.
    assert.deepEqual(r.certifiedChainAbove(chain[chain.length - 1].block.height + 5, 8), []);
  });
});
