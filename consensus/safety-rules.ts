// The safety rules of 2-chain HotStuff (Jolteon; DiemBFT v4 "Safety" module), each a small pure
// function over the persisted SafetyState so it can be tested alone. Names follow the paper:
//   voting rule   = safe_to_vote   (never vote twice in a view; extend the previous view's QC, or,
//                                  after a timeout, a QC at least as high as any in the TC: the lock)
//   locking rule  = update of highest_qc_round on voting (our `lockedView`)
//   timeout rule  = safe_to_timeout (never time out with a QC below the lock, nor in a view already left)
//   commit rule   = 2-chain: a block is committed when its child in the very next view is certified
// `unsafeTestOnly` switches exist so the simulator can prove it catches each broken rule.
import { maxHighQcView } from './quorum.js';
import type { Block, SafetyState, TimeoutCert, UnsafeTestOnly, View } from './types.js';

export type VoteVerdict =
  | { ok: true }
  | { ok: false; reason: 'alreadyVoted' | 'notAfterJustify' | 'noJustification' | 'lockViolated' };

/** Voting rule: may a replica with `safety` vote for a block of `blockView` whose justify QC has `justifyView`? */
export function votingRule(
  safety: SafetyState,
  blockView: View,
  justifyView: View,
  tc: TimeoutCert | null,
  unsafe: UnsafeTestOnly = {},
): VoteVerdict {
  if (blockView <= safety.highestVotedView && unsafe.skipVotedViewCheck !== true) return { ok: false, reason: 'alreadyVoted' };
  if (blockView <= justifyView) return { ok: false, reason: 'notAfterJustify' };
  if (justifyView + 1 === blockView) return { ok: true };
  if (tc === null || tc.view + 1 !== blockView) return { ok: false, reason: 'noJustification' };
  if (!lockCheck(justifyView, tc) && unsafe.skipLockCheck !== true) return { ok: false, reason: 'lockViolated' };
  return { ok: true };
}

/**
 * The lock check after a timeout: the block must extend a QC at least as high as every QC the TC's
 * signers held. Any committed block's certifying QC is held by f+1 honest replicas, one of which is
 * in every TC, so this keeps every later block on top of the committed one.
 */
export function lockCheck(justifyView: View, tc: TimeoutCert): boolean {
  return justifyView >= maxHighQcView(tc);
}

/** Locking rule: the safety state after voting for a block of `blockView` justified by `justifyView`. */
export function afterVote(safety: SafetyState, blockView: View, justifyView: View): SafetyState {
  return {
    highestVotedView: Math.max(safety.highestVotedView, blockView),
    lockedView: Math.max(safety.lockedView, justifyView),
    highQc: safety.highQc,
  };
}

export type TimeoutVerdict = { ok: true } | { ok: false; reason: 'viewLeft' | 'qcBelowLock' | 'qcNotBelowView' };

/** Timeout rule: may a replica time out in `view`, reporting a highest QC of `highQcView`? */
export function timeoutRule(safety: SafetyState, view: View, highQcView: View): TimeoutVerdict {
  if (view < safety.highestVotedView) return { ok: false, reason: 'viewLeft' };
  if (highQcView < safety.lockedView) return { ok: false, reason: 'qcBelowLock' };
  if (highQcView >= view) return { ok: false, reason: 'qcNotBelowView' };
  return { ok: true };
}

/** The safety state after timing out in `view`: no vote in that view afterwards. */
export function afterTimeout(safety: SafetyState, view: View): SafetyState {
  return { ...safety, highestVotedView: Math.max(safety.highestVotedView, view) };
}

/**
 * Commit rule (2-chain): when `certified` gets a QC, its parent is committed if `certified` was
 * proposed in the view right after the parent's (a direct chain, no timeout between them).
 * Returns the block to commit (with all its uncommitted ancestors), or null.
 */
export function commitRule(certified: Block, parent: Block | undefined, unsafe: UnsafeTestOnly = {}): Block | null {
  if (unsafe.commitOnOneChain === true) return certified;
  if (parent === undefined || certified.justify.view !== parent.view) return null;
  return certified.view === parent.view + 1 ? parent : null;
}
