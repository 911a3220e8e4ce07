import assert from 'node:assert/strict';
import { GENESIS_HASH, genesisQc, makeBlock } from '../../../consensus/block.js';
import { voteBytes } from '../../../consensus/signing.js';
import type { Block, QuorumCert } from '../../../consensus/types.js';
import { ed25519KeyPair, ed25519Sign } from '../../../crypto/ed25519.js';
import { ed25519ConsensusCrypto } from '../../../node/replica/consensus-crypto.js';
import { qcValid, verifyFetchedChain } from '../../../node/replica/chain-verify.js';
import type { CommittedBlock } from '../../../node/proto/sync-codec.js';

const keys = [0, 1, 2, 3].map((i) => ed25519KeyPair(new Uint8Array(32).fill(i + 11)));
const crypto = ed25519ConsensusCrypto(keys[0].secretKey, keys.map((k) => k.publicKey));

function qcFor(b: Block, voters = [0, 1, 2]): QuorumCert {
  return { view: b.view, height: b.height, blockHash: b.hash, votes: voters.map((v) => ({ voter: v, signature: ed25519Sign(keys[v].secretKey, voteBytes(b.view, b.height, b.hash)) })) };
}

/** A chain of `len` blocks in consecutive views (each directly commits its parent). */
function chain(len: number, skipView?: number): CommittedBlock[] {
  const out: CommittedBlock[] = [];
  let justify = genesisQc();
  let view = 1;
  for (let i = 0; i < len; i++) {
    if (view === skipView) view++;
    const b = makeBlock({ view, justify, proposer: view % 4, commands: [{ client: 'c', seq: i, bytes: new Uint8Array([i]) }], executed: null });
    const qc = qcFor(b);
    out.push({ block: b, qc });
    justify = qc;
    view++;
  }
  return out;
}

describe('node/replica catch-up chain verification', () => {
  it('accepts a chain of certified blocks and proves all but the newest committed (2-chain rule)', () => {
    const c = chain(5);
    const v = verifyFetchedChain(0, GENESIS_HASH, c, crypto, 4, 1);
    assert.ok(v.ok);
    assert.equal(v.ok && v.committed.length, 4);
  });

  it('does not count blocks committed when the child is not in the next view', () => {
    const c = chain(3, 3); // views 1, 2, 4: block 2 (view 2) has child in view 4
    const v = verifyFetchedChain(0, GENESIS_HASH, c, crypto, 4, 1);
    assert.ok(v.ok);
    assert.equal(v.ok && v.committed.length, 1);
  });

  it('rejects a forged hash, a broken link, a QC short of 2f+1, and a QC signed by the wrong key', () => {
    const c = chain(4);
    const forged = c.map((x) => ({ ...x }));
    forged[1] = { ...forged[1], block: { ...forged[1].block, commands: [] } };
    assert.match(JSON.stringify(verifyFetchedChain(0, GENESIS_HASH, forged, crypto, 4, 1)), /wrong hash/);
    assert.match(JSON.stringify(verifyFetchedChain(0, new Uint8Array(32), c, crypto, 4, 1)), /does not extend/);
    assert.equal(qcValid(qcFor(c[0].block, [0, 1]), crypto, 4, 1), false, 'two votes are not a quorum of 4');
    assert.equal(qcValid(qcFor(c[0].block, [0, 1, 1]), crypto, 4, 1), false, 'a repeated voter counts once');
    const wrongKey = qcFor(c[0].block);
    wrongKey.votes[2] = { voter: 2, signature: ed25519Sign(keys[3].secretKey, voteBytes(c[0].block.view, c[0].block.height, c[0].block.hash)) };
    assert.equal(qcValid(wrongKey, crypto, 4, 1), false);
    const bad = c.map((x) => ({ ...x }));
    bad[2] = { ...bad[2], block: { ...bad[2].block, justify: qcFor(c[1].block, [0, 1]) } };
    const v = verifyFetchedChain(0, GENESIS_HASH, bad, crypto, 4, 1);
    assert.equal(v.ok, false);
  });
});
