// QC/TC validation (duplicate voters, bad signatures, wrong view, too few) and formation.
import { strict as assert } from 'node:assert';
import { TimeoutCollector, VoteCollector, isGenesisQc, maxHighQcView, verifyQc, verifyTc } from '../../consensus/quorum.js';
import { genesisQc } from '../../consensus/block.js';
import { timeoutBytes, voteBytes } from '../../consensus/signing.js';
import { fakeCrypto } from './harness.js';
import type { QuorumCert, TimeoutCert } from '../../consensus/types.js';

const n = 4, f = 1;
const hash = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);
const verifier = fakeCrypto(0);
const voteSig = (voter: number, view: number, height: number, h: Uint8Array) => fakeCrypto(voter).sign(voteBytes(view, height, h));
const qc = (voters: number[], view = 5, height = 3): QuorumCert => ({ view, height, blockHash: hash, votes: voters.map((v) => ({ voter: v, signature: voteSig(v, view, height, hash) })) });
const tcOf = (view: number, entries: [number, number][]): TimeoutCert => ({
  view,
  timeouts: entries.map(([voter, hq]) => ({ voter, highQcView: hq, signature: fakeCrypto(voter).sign(timeoutBytes(view, hq)) })),
});

describe('quorum certificates', () => {
  it('accepts 2f+1 distinct valid votes and the genesis QC', () => {
    assert.equal(verifyQc(qc([0, 1, 2]), n, f, verifier), true);
    assert.equal(verifyQc(qc([3, 1, 2, 0]), n, f, verifier), true);
    assert.equal(verifyQc(genesisQc(), n, f, verifier), true);
    assert.equal(isGenesisQc(genesisQc()), true);
  });
  it('rejects too few, duplicate or out-of-set voters', () => {
    assert.equal(verifyQc(qc([0, 1]), n, f, verifier), false);
    assert.equal(verifyQc(qc([0, 1, 1]), n, f, verifier), false);
    assert.equal(verifyQc(qc([0, 1, 4]), n, f, verifier), false);
  });
  it('rejects a bad signature and signatures for another view or block', () => {
    const bad = qc([0, 1, 2]);
    bad.votes[1] = { voter: 1, signature: voteSig(1, 6, 3, hash) };
    assert.equal(verifyQc(bad, n, f, verifier), false);
    const moved: QuorumCert = { ...qc([0, 1, 2]), view: 6 };
    assert.equal(verifyQc(moved, n, f, verifier), false);
    const swapped: QuorumCert = { ...qc([0, 1, 2]), blockHash: other };
    assert.equal(verifyQc(swapped, n, f, verifier), false);
  });
  it('rejects a fake genesis QC with another hash', () => {
    assert.equal(verifyQc({ ...genesisQc(), blockHash: other }, n, f, verifier), false);
  });
});

describe('timeout certificates', () => {
  it('accepts 2f+1 distinct signed timeouts and reports the max high QC view', () => {
    const tc = tcOf(9, [[0, 5], [2, 7], [3, 6]]);
    assert.equal(verifyTc(tc, n, f, verifier), true);
    assert.equal(maxHighQcView(tc), 7);
  });
  it('rejects duplicates, too few, forged highQcView, highQcView not below the view', () => {
    assert.equal(verifyTc(tcOf(9, [[0, 5], [0, 5], [3, 6]]), n, f, verifier), false);
    assert.equal(verifyTc(tcOf(9, [[0, 5], [3, 6]]), n, f, verifier), false);
    const forged = tcOf(9, [[0, 5], [2, 7], [3, 6]]);
    forged.timeouts[1] = { ...forged.timeouts[1], highQcView: 8 };
    assert.equal(verifyTc(forged, n, f, verifier), false);
    assert.equal(verifyTc(tcOf(9, [[0, 9], [2, 7], [3, 6]]), n, f, verifier), false);
  });
});

describe('collectors', () => {
  it('VoteCollector forms a QC once, at the 2f+1-th vote for one block', () => {
    const c = new VoteCollector(f);
    const vote = (voter: number, h = hash) => ({ view: 5, height: 3, blockHash: h, voter, signature: voteSig(voter, 5, 3, h) });
    assert.equal(c.add(vote(0)).kind, 'added');
    assert.equal(c.add(vote(0)).kind, 'duplicate');
    assert.equal(c.add(vote(1, other)).kind, 'added');
    assert.equal(c.add(vote(2)).kind, 'added');
    const third = c.add(vote(3));
    assert.equal(third.kind, 'quorum');
    if (third.kind === 'quorum') assert.equal(verifyQc(third.qc, n, f, verifier), true);
    assert.equal(c.add(vote(1)).kind, 'equivocation');
  });
  it('TimeoutCollector forms a TC with the highest QC among the timeouts', () => {
    const c = new TimeoutCollector(f);
    const t = (voter: number, hq: QuorumCert) => ({ view: 9, highQc: hq, voter, signature: fakeCrypto(voter).sign(timeoutBytes(9, hq.view)) });
    const low = qc([0, 1, 2], 5), high = qc([0, 1, 2], 7);
    assert.deepEqual(c.add(t(0, low)), { kind: 'added', count: 1 });
    assert.equal(c.add(t(0, low)).kind, 'duplicate');
    assert.equal(c.add(t(3, high)).kind, 'added');
    const r = c.add(t(1, low));
    assert.equal(r.kind, 'certificate');
    if (r.kind === 'certificate') {
      assert.equal(r.highQc.view, 7);
      assert.deepEqual(r.tc.timeouts.map((x) => x.voter), [0, 1, 3]);
      assert.equal(verifyTc(r.tc, n, f, verifier), true);
    }
  });
});
