// The next leader's side of voting: check a vote (sender, view window, leadership, signature) and
// collect it; the 2f+1-th vote for one block forms a QC, which is processed like any other (it may
// commit, and it moves this replica into the view it leads, where it proposes).
import { processQc } from './certificates.js';
import { voteBytes } from './signing.js';
import { cachePut, certKey, VERIFIED_CACHE } from './state.js';
import type { Out, ReplicaState } from './state.js';
import type { ReplicaId, Vote } from './types.js';

export function onVote(s: ReplicaState, from: ReplicaId, vote: Vote, out: Out): void {
  if (vote.voter !== from) {
    out.push({ type: 'dropped', from, reason: 'malformed', detail: 'vote signed for another replica' });
    return;
  }
  if (vote.view + 1 < s.pm.view) {
    out.push({ type: 'dropped', from, reason: 'staleView' });
    return;
  }
  if (vote.view > s.pm.view + s.cfg.viewWindow) {
    out.push({ type: 'dropped', from, reason: 'futureView' });
    return;
  }
  if (s.cfg.leaderOf(vote.view + 1) !== s.cfg.self) {
    out.push({ type: 'dropped', from, reason: 'notLeader' });
    return;
  }
  if (!s.crypto.verify(from, voteBytes(vote.view, vote.height, vote.blockHash), vote.signature)) {
    out.push({ type: 'dropped', from, reason: 'badSignature' });
    return;
  }
  onVerifiedVote(s, vote, from, out);
}

/** Collect a vote whose signature is known good (a peer's, checked above, or our own). */
export function onVerifiedVote(s: ReplicaState, vote: Vote, from: ReplicaId, out: Out): void {
  const outcome = s.votes.add(vote);
  switch (outcome.kind) {
    case 'added':
      return;
    case 'duplicate':
      out.push({ type: 'dropped', from, reason: 'duplicate' });
      return;
    case 'equivocation':
      out.push({ type: 'report', kind: 'equivocation', detail: `replica ${vote.voter} voted for two blocks in view ${vote.view}` });
      out.push({ type: 'dropped', from, reason: 'conflict' });
      return;
    case 'quorum':
      cachePut(s.verifiedQcs, certKey(outcome.qc), outcome.qc, VERIFIED_CACHE);
      processQc(s, outcome.qc, from, out);
      return;
  }
}
