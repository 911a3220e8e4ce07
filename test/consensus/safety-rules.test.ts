// Each safety rule of 2-chain HotStuff in isolation, including what the test-only switches break.
import { strict as assert } from 'node:assert';
import { afterTimeout, afterVote, commitRule, lockCheck, timeoutRule, votingRule } from '../../consensus/safety-rules.js';
import { genesisQc, makeBlock } from '../../consensus/block.js';
import type { Block, QuorumCert, SafetyState, TimeoutCert } from '../../consensus/types.js';

const safety = (voted: number, locked: number): SafetyState => ({ highestVotedView: voted, lockedView: locked, highQc: genesisQc() });
const tc = (view: number, highQcViews: number[]): TimeoutCert => ({
  view,
  timeouts: highQcViews.map((h, i) => ({ voter: i, highQcView: h, signature: Uint8Array.of(1) })),
});
const qcFor = (b: Block): QuorumCert => ({ view: b.view, height: b.height, blockHash: b.hash, votes: [] });

describe('safety rules', () => {
  describe('voting rule', () => {
    it('votes for a block directly extending the previous view QC', () => {
      assert.deepEqual(votingRule(safety(4, 3), 5, 4, null), { ok: true });
    });
    it('never votes twice in a view, nor in an older one', () => {
      assert.deepEqual(votingRule(safety(5, 3), 5, 4, null), { ok: false, reason: 'alreadyVoted' });
      assert.deepEqual(votingRule(safety(7, 3), 5, 4, null), { ok: false, reason: 'alreadyVoted' });
    });
    it('needs a TC for the previous view when the justify QC is older', () => {
      assert.deepEqual(votingRule(safety(4, 3), 6, 4, null), { ok: false, reason: 'noJustification' });
      assert.deepEqual(votingRule(safety(4, 3), 6, 4, tc(4, [3, 4, 2])), { ok: false, reason: 'noJustification' });
      assert.deepEqual(votingRule(safety(4, 3), 6, 4, tc(5, [3, 4, 2])), { ok: true });
    });
    it('lock check: after a TC the block must extend the highest QC any TC signer held', () => {
      assert.deepEqual(votingRule(safety(4, 3), 6, 3, tc(5, [3, 4, 2])), { ok: false, reason: 'lockViolated' });
      assert.equal(lockCheck(4, tc(5, [3, 4, 2])), true);
      assert.equal(lockCheck(3, tc(5, [3, 4, 2])), false);
    });
    it('rejects a block not after its justify', () => {
      assert.deepEqual(votingRule(safety(0, 0), 3, 3, null), { ok: false, reason: 'notAfterJustify' });
    });
    it('unsafeTestOnly switches break exactly their rule', () => {
      assert.deepEqual(votingRule(safety(4, 3), 6, 3, tc(5, [3, 4, 2]), { skipLockCheck: true }), { ok: true });
      assert.deepEqual(votingRule(safety(5, 3), 5, 4, null, { skipVotedViewCheck: true }), { ok: true });
      assert.deepEqual(votingRule(safety(5, 3), 5, 4, null, { skipLockCheck: true }), { ok: false, reason: 'alreadyVoted' });
    });
  });

  describe('locking rule', () => {
    it('raises highestVotedView and lockedView, never lowers them', () => {
      assert.deepEqual(afterVote(safety(4, 3), 5, 4), safety(5, 4));
      const s = afterVote(safety(9, 8), 5, 4);
      assert.equal(s.highestVotedView, 9);
      assert.equal(s.lockedView, 8);
    });
  });

  describe('timeout rule', () => {
    it('allows a timeout in the current view with a QC at or above the lock', () => {
      assert.deepEqual(timeoutRule(safety(5, 3), 5, 4), { ok: true });
      assert.deepEqual(timeoutRule(safety(5, 3), 6, 3), { ok: true });
    });
    it('refuses a view already left, a QC below the lock, or a QC not below the view', () => {
      assert.deepEqual(timeoutRule(safety(6, 3), 5, 4), { ok: false, reason: 'viewLeft' });
      assert.deepEqual(timeoutRule(safety(5, 4), 5, 3), { ok: false, reason: 'qcBelowLock' });
      assert.deepEqual(timeoutRule(safety(5, 3), 5, 5), { ok: false, reason: 'qcNotBelowView' });
    });
    it('timing out forbids a later vote in that view', () => {
      const s = afterTimeout(safety(4, 3), 5);
      assert.equal(s.highestVotedView, 5);
      assert.equal(votingRule(s, 5, 4, null).ok, false);
    });
  });

  describe('commit rule (2-chain)', () => {
    const b1 = makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: [], executed: null });
    const b2 = makeBlock({ view: 2, justify: qcFor(b1), proposer: 2, commands: [], executed: null });
    const b4 = makeBlock({ view: 4, justify: qcFor(b2), proposer: 0, commands: [], executed: null });
    it('commits the parent when the certified child is from the very next view', () => {
      assert.equal(commitRule(b2, b1), b1);
    });
    it('commits nothing across a gap of views (a timeout in between)', () => {
      assert.equal(commitRule(b4, b2), null);
    });
    it('commits nothing when the parent is unknown', () => {
      assert.equal(commitRule(b2, undefined), null);
    });
    it('commitOnOneChain commits the certified block itself', () => {
      assert.equal(commitRule(b4, b2, { commitOnOneChain: true }), b4);
    });
  });
});
