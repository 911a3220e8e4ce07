// The safety state's byte encoding: every field survives a round trip, including the optional
// lastTc (a restarted replica re-enters its view with it), and states written before lastTc was
// stored still decode. Damaged records are reported as corrupt, not trusted.
import assert from 'node:assert/strict';
import type { QuorumCert, SafetyState } from '../../../consensus/types.js';
import { canonicalEncode } from '../../../crypto/canonical.js';
import { decodeSafety, encodeSafety, StoreCorruptError } from '../../../node/storage/records.js';

const h = (b: number) => new Uint8Array(32).fill(b);
const qc = (view: number, height: number): QuorumCert => ({ view, height, blockHash: h(height), votes: [{ voter: 1, signature: h(7) }, { voter: 2, signature: h(8) }] });
const tc = { view: 44, timeouts: [0, 1, 3].map((voter) => ({ voter, highQcView: 40 + voter, signature: h(20 + voter) })) };

describe('node/storage records: safety state', () => {
  it('round-trips a safety state with a lastTc', () => {
    const s: SafetyState = { highestVotedView: 45, lockedView: 41, highQc: qc(41, 9), lastTc: tc };
    assert.deepEqual(decodeSafety(encodeSafety(s)), s);
  });

  it('round-trips a safety state without lastTc, and treats lastTc null as none', () => {
    const s: SafetyState = { highestVotedView: 5, lockedView: 3, highQc: qc(4, 2) };
    assert.deepEqual(decodeSafety(encodeSafety(s)), s);
    assert.deepEqual(decodeSafety(encodeSafety({ ...s, lastTc: null })), s);
  });

  it('reports a damaged lastTc as corrupt', () => {
    const bad = canonicalEncode({ highestVotedView: 5, lockedView: 3, highQc: { view: 4, height: 2, blockHash: h(2), votes: [] }, lastTc: { view: 4, timeouts: [{ voter: 'x', highQcView: 1, signature: h(1) }] } });
    assert.throws(() => decodeSafety(bad), StoreCorruptError);
    const notObj = canonicalEncode({ highestVotedView: 5, lockedView: 3, highQc: { view: 4, height: 2, blockHash: h(2), votes: [] }, lastTc: 7 });
    assert.throws(() => decodeSafety(notObj), StoreCorruptError);
  });
});
