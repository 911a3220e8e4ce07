// Forking leader (relab/hotstuff's fork.go): when it leads a view entered by a timeout certificate,
// it proposes — to everyone, with its own vote — a block that extends an OLDER quorum certificate
// than the TC proves some honest replica holds, trying to orphan blocks that may already be
// committed. The lock check (votingRule's lockCheck) is exactly what must make honest replicas
// refuse it; with that check switched off (UnsafeTestOnly.skipLockCheck) this is how the planted
// bug becomes a conflicting commit.
import type { Effect, QuorumCert } from '../../consensus/types.js';
import { makeBlock } from '../../consensus/block.js';
import { maxHighQcView } from '../../consensus/quorum.js';
import { proposalBytes, voteBytes } from '../../consensus/signing.js';
import type { Behaviour, ByzantineContext } from './core.js';

/** QCs this replica has seen, newest last; bounded. */
const seenQcs = new WeakMap<ByzantineContext, QuorumCert[]>();
const maxSeenQcs = 64;

function remember(ctx: ByzantineContext, qc: QuorumCert | undefined): void {
  if (!qc || typeof qc !== 'object' || typeof qc.view !== 'number') return;
  let list = seenQcs.get(ctx);
  if (!list) seenQcs.set(ctx, (list = []));
  if (list.some((q) => q.view === qc.view)) return;
  list.push(qc);
  list.sort((a, b) => a.view - b.view);
  if (list.length > maxSeenQcs) list.shift();
}

export const fork: Behaviour = (effects, input, ctx) => {
  if (input.type === 'message' && input.message !== null && typeof input.message === 'object' && input.message.type === 'proposal') {
    remember(ctx, input.message.block?.justify);
  }
  const out: Effect[] = [];
  for (const e of effects) {
    if (e.type !== 'broadcast' || e.message.type !== 'proposal' || e.message.tc === null || e.message.block.proposer !== ctx.self) {
      out.push(e);
      continue;
    }
    const honest = e.message.block;
    remember(ctx, honest.justify);
    const tc = e.message.tc;
    const lockView = maxHighQcView(tc);
    // A QC below what the TC proves is locked, and at least two heights below the newest QC, so the
    // fork's block sits at a height that is probably committed already: extending it orphans that block.
    const seen = seenQcs.get(ctx) ?? [];
    const top = seen.reduce((h, q) => Math.max(h, q.height), honest.justify.height);
    const older = seen.filter((q) => q.view < lockView && q.height >= 1 && q.height <= top - 2);
    const base = older[older.length - 1];
    if (!base) {
      out.push(e);
      continue;
    }
    const forked = makeBlock({ view: honest.view, justify: base, proposer: ctx.self, commands: honest.commands, executed: null });
    out.push({ type: 'broadcast', message: { type: 'proposal', block: forked, tc, signature: ctx.sign(proposalBytes(forked.view, forked.hash)) } });
    // Its own vote for the fork, to the next leader (round-robin, the consensus default).
    const nextLeader = (forked.view + 1) % ctx.n;
    out.push({ type: 'send', to: nextLeader, message: { type: 'vote', vote: { view: forked.view, height: forked.height, blockHash: forked.hash, voter: ctx.self, signature: ctx.sign(voteBytes(forked.view, forked.height, forked.hash)) } } });
  }
  return out;
};
