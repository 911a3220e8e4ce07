// The leader's side: build, sign and broadcast the block of the current view, then vote for it.
// A leader proposes at most once per view, only with a justification (QC of the previous view, or
// the TC that ended it), only on top of a block it holds, and only when there is something to do:
// pending commands, commands in uncommitted ancestors, or a fresh QC that commits commands the
// others have not learned about yet (without that last case they would wait for a timeout to hear it).
import { makeBlock } from './block.js';
import { CommandSet } from './command-set.js';
import { proposalBytes } from './signing.js';
import { requestSync } from './sync.js';
import { tryVote } from './voter.js';
import type { Out, ReplicaState } from './state.js';
import type { Block, ReplicaId, TimeoutCert } from './types.js';

/** Keys of commands in the uncommitted blocks `path` (a new block must not repeat them). */
export function inFlightKeys(path: Block[]): CommandSet {
  const keys = new CommandSet();
  for (const b of path) for (const c of b.commands) keys.add(c);
  return keys;
}

/** Someone to ask for a block the QC certifies: its first voter that is not us. */
function peerOf(s: ReplicaState, voters: ReplicaId[]): ReplicaId {
  for (const v of voters) if (v !== s.cfg.self) return v;
  return (s.cfg.self + 1) % s.cfg.n;
}

/** How far a proposal's executed roots normally trail the receiver's committed tip (2-chain pipeline). */
export const PIPELINE_LAG = 2;

/**
 * The parent's proposer had executed far less than we have committed: it missed the QC that
 * committed those blocks, and may hold their commands as "in flight". Only a longer chain (a new
 * direct 2-chain) lets it commit them, so extend it even without commands of our own. Without this
 * an idle leader left lagging replicas stuck forever (sim seed 4).
 */
function proposerLagged(s: ReplicaState, parent: Block): boolean {
  if (parent.height === 0) return false;
  return (parent.executed?.height ?? 0) + PIPELINE_LAG < s.tree.committedTip.height;
}

export function tryPropose(s: ReplicaState, out: Out): void {
  const view = s.pm.view;
  if (s.cfg.leaderOf(view) !== s.cfg.self || s.proposedView >= view) return;
  const highQc = s.safety.highQc;
  const lastTc = s.pm.lastTc;
  let tc: TimeoutCert | null = null;
  if (highQc.view + 1 !== view) {
    if (lastTc === null || lastTc.view + 1 !== view) return;
    tc = lastTc;
  }
  const parent = s.tree.get(highQc.blockHash);
  if (parent === undefined) {
    requestSync(s, highQc.blockHash, peerOf(s, highQc.votes.map((v) => v.voter)), out);
    return;
  }
  const path = s.tree.pathFromTip(parent);
  if (path.kind === 'missing') {
    requestSync(s, path.hash, peerOf(s, highQc.votes.map((v) => v.voter)), out);
    return;
  }
  if (path.kind === 'conflict') return; // highQc forks off our committed chain: > f faulty; reported on commit
  const commands = s.mempool.take(s.cfg.maxBatchCommands, s.cfg.maxBatchBytes, inFlightKeys(path.blocks));
  const worthProposing =
    commands.length > 0 || path.blocks.some((b) => b.commands.length > 0) || s.lastCommittingQcView >= highQc.view || proposerLagged(s, parent);
  if (!worthProposing) return;
  const block = makeBlock({ view, justify: highQc, proposer: s.cfg.self, commands, executed: s.executed });
  s.proposedView = view;
  s.proposalsSeen.set(view, block.hash);
  s.tree.insert(block);
  const signature = s.crypto.sign(proposalBytes(view, block.hash));
  out.push({ type: 'broadcast', message: { type: 'proposal', block, tc, signature } });
  tryVote(s, block, tc, out);
}
