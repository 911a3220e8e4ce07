// A replica's side of a proposal: validate it completely (proposer, size, hash, signature,
// certificates) before anything changes, learn its certificates, store the block, then vote if the
// safety rules and the execution check allow. Votes go to the leader of the next view, after the
// new safety state has been persisted (the `persist` effect precedes the `send`).
import { bytesEqual } from '../crypto/bytes.js';
import { blockHash } from './block.js';
import { processQc, processTc, tcValid, verifiedQc } from './certificates.js';
import { inFlightKeys } from './proposer.js';
import { afterVote, votingRule } from './safety-rules.js';
import { proposalBytes, voteBytes } from './signing.js';
import { requestSync } from './sync.js';
import { onVerifiedVote } from './votes.js';
import { persistSafety, type Out, type ReplicaState } from './state.js';
import type { Block, ReplicaId, TimeoutCert, Vote } from './types.js';

type ProposalDrop = 'wrongProposer' | 'staleView' | 'futureView' | 'badHash' | 'badSignature' | 'conflict' | 'malformed' | 'badCertificate';

/** A module-level function, not a closure per proposal (the TS loader wraps each closure it names). */
function dropProposal(out: Out, from: ReplicaId, reason: ProposalDrop, detail?: string): void {
  out.push({ type: 'dropped', from, reason, detail });
}

export function onProposal(s: ReplicaState, from: ReplicaId, block: Block, tc: TimeoutCert | null, signature: Uint8Array, out: Out): void {
  if (block.proposer !== from || s.cfg.leaderOf(block.view) !== from) return dropProposal(out, from, 'wrongProposer');
  if (block.view < s.pm.view) return dropProposal(out, from, 'staleView');
  if (block.view > s.pm.view + s.cfg.viewWindow) return dropProposal(out, from, 'futureView');
  if (block.height !== block.justify.height + 1 || !bytesEqual(block.parent, block.justify.blockHash) || block.view <= block.justify.view) {
    return dropProposal(out, from, 'malformed', 'block does not extend its justify QC');
  }
  if (block.executed !== null && block.executed.height >= block.height) return dropProposal(out, from, 'malformed', 'executed roots not below the block');
  if (!bytesEqual(blockHash(block), block.hash)) return dropProposal(out, from, 'badHash');
  if (!s.crypto.verify(from, proposalBytes(block.view, block.hash), signature)) return dropProposal(out, from, 'badSignature');
  const seen = s.proposalsSeen.get(block.view);
  if (seen !== undefined && !bytesEqual(seen, block.hash)) {
    out.push({ type: 'report', kind: 'equivocation', detail: `replica ${from} proposed two blocks in view ${block.view}` });
    return dropProposal(out, from, 'conflict');
  }
  const justify = verifiedQc(s, block.justify);
  if (justify === null) return dropProposal(out, from, 'badCertificate', 'justify QC');
  // A TC matters (and is checked) only when the justify QC is not from the previous view; any
  // other attached TC is ignored unchecked, so it can change nothing.
  const needsTc = block.justify.view + 1 !== block.view;
  if (needsTc && (tc === null || tc.view + 1 !== block.view || !tcValid(s, tc))) return dropProposal(out, from, 'badCertificate', 'missing or invalid TC');
  const usedTc = needsTc ? tc : null;
  s.proposalsSeen.set(block.view, block.hash);
  // Everything is verified: from here on the proposal may change state.
  processQc(s, justify, from, out);
  if (usedTc !== null) processTc(s, usedTc, out);
  const inserted = s.tree.insert(block);
  if (inserted === 'missingParent') {
    s.awaiting = { block, tc: usedTc, from };
    requestSync(s, block.parent, from, out);
    return;
  }
  if (inserted === 'full' || inserted === 'badLink') return dropProposal(out, from, 'malformed', `block not stored: ${inserted}`);
  tryVote(s, block, usedTc, out);
}

type ExecutionCheck = 'ok' | 'wait' | 'mismatch';

/** Execution agreement: the proposal's roots must equal ours for that height (see docs/consensus.md). */
export function checkExecution(s: ReplicaState, block: Block): ExecutionCheck {
  const theirs = block.executed;
  if (theirs === null) return 'ok';
  const mine = s.executed;
  if (mine === null || mine.height < theirs.height) {
    // Committed here but not executed yet: the driver feeds `executed` promptly, so wait for it.
    // Not even committed here (we missed the QC that commits it): we cannot check, and waiting
    // could stall the cluster, so vote; a later proposal is checked once we have caught up.
    return theirs.height <= s.tree.committedTip.height ? 'wait' : 'ok';
  }
  const ours = s.executedByHeight.get(theirs.height);
  if (ours === undefined) {
    // Older than our history (or from before our restart): only the block hash can be checked.
    const block = s.tree.committedAt(theirs.height);
    return block === undefined || bytesEqual(block.hash, theirs.blockHash) ? 'ok' : 'mismatch';
  }
  const same = bytesEqual(ours.blockHash, theirs.blockHash) && bytesEqual(ours.stateRoot, theirs.stateRoot) && bytesEqual(ours.receiptsRoot, theirs.receiptsRoot);
  return same ? 'ok' : 'mismatch';
}

/**
 * A block repeats a command if it holds it twice or an uncommitted ancestor holds it. Only chain
 * data counts here, never this replica's own committed history: that history is lost on restart,
 * and a restarted leader that re-proposes an old command must not be refused forever (sim seed 31
 * stalled so). The kernel answers a replayed (client, seq) deterministically.
 */
function repeatsCommand(block: Block, ancestors: Block[]): boolean {
  const keys = inFlightKeys(ancestors.slice(0, -1));
  for (const c of block.commands) if (!keys.add(c)) return true;
  return false;
}

/** Vote for `block` (held in the tree) if it is in the current view and every rule allows it. */
export function tryVote(s: ReplicaState, block: Block, tc: TimeoutCert | null, out: Out): void {
  if (block.view !== s.pm.view) return;
  const path = s.tree.pathFromTip(block);
  if (path.kind !== 'ok') return;
  const verdict = votingRule(s.safety, block.view, block.justify.view, tc, s.cfg.unsafe);
  if (!verdict.ok) {
    out.push({ type: 'dropped', from: block.proposer, reason: 'unsafe', detail: verdict.reason });
    return;
  }
  if (repeatsCommand(block, path.blocks)) {
    out.push({ type: 'dropped', from: block.proposer, reason: 'duplicate', detail: 'block repeats a command' });
    return;
  }
  const exec = checkExecution(s, block);
  if (exec === 'wait') {
    s.awaiting = { block, tc, from: block.proposer };
    return;
  }
  if (exec === 'mismatch') {
    const h = block.executed?.height;
    out.push({ type: 'report', kind: 'stateRootMismatch', detail: `proposal of view ${block.view} by ${block.proposer} carries roots for height ${h} that differ from ours` });
    out.push({ type: 'dropped', from: block.proposer, reason: 'executionMismatch' });
    return;
  }
  if (s.awaiting !== null && s.awaiting.block.view <= block.view) s.awaiting = null;
  s.safety = afterVote(s.safety, block.view, block.justify.view);
  persistSafety(s, out);
  const vote: Vote = { view: block.view, height: block.height, blockHash: block.hash, voter: s.cfg.self, signature: s.crypto.sign(voteBytes(block.view, block.height, block.hash)) };
  const next = s.cfg.leaderOf(block.view + 1);
  if (next === s.cfg.self) onVerifiedVote(s, vote, s.cfg.self, out);
  else out.push({ type: 'send', to: next, message: { type: 'vote', vote } });
}

/** Retry the proposal that waited for its parent or for execution, if still current. */
export function retryAwaiting(s: ReplicaState, out: Out): void {
  const a = s.awaiting;
  if (a === null) return;
  if (a.block.view < s.pm.view) {
    s.awaiting = null;
    return;
  }
  const inserted = s.tree.insert(a.block);
  if (inserted === 'missingParent') return;
  s.awaiting = null;
  if (inserted === 'inserted' || inserted === 'known') tryVote(s, a.block, a.tc, out);
}
