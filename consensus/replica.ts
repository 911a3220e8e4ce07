// One HotStuff replica as a pure state machine: `step(input)` returns the effects the driver must
// carry out, in order. No clock, no I/O, no randomness; every handler lives in its own file.
//
// Effect contract (both drivers, sim/ and node/, must honour it):
//   - carry out effects in list order;
//   - a `persist` must be durable before any later effect of the same list is carried out
//     (persist-before-send: a vote or timeout never leaves before the safety state that allows it);
//   - `commit` effects come in height order; execute each and feed back `executed` in that order;
//   - `setTimer { view, durationMs }` delivers `{ type: 'timer', view }` later (stale ones are ignored);
//   - `send`/`broadcast` may be lost, delayed, duplicated or reordered: the protocol copes.
import { onExecuted } from './execution.js';
import { tryPropose } from './proposer.js';
import { checkCommand, checkMessage } from './shape.js';
import { createState, type ReplicaState } from './state.js';
import { onSyncRequest, onSyncResponse } from './sync.js';
import { onTimeout, onTimer } from './timeouts.js';
import { onProposal } from './voter.js';
import { onVote } from './votes.js';
import { assertNever } from './types.js';
import type { Block, Command, ConsensusConfig, ConsensusCrypto, Effect, Input, Message, QuorumCert, RecoveredState, ReplicaId, SafetyState, View } from './types.js';

export class Replica {
  private readonly s: ReplicaState;

  constructor(config: ConsensusConfig, crypto: ConsensusCrypto, recovered?: RecoveredState) {
    this.s = createState(config, crypto, recovered);
  }

  /** Feed one input; get the effects to carry out, in order. Never throws on peer or client input. */
  step(input: Input): Effect[] {
    const out: Effect[] = [];
    const before = this.watermarks;
    this.snapshotInvariants(before);
    switch (input.type) {
      case 'start':
        out.push({ type: 'setTimer', view: this.s.pm.view, durationMs: this.s.pm.timeoutMs() });
        tryPropose(this.s, out);
        break;
      case 'message':
        this.onMessage(input.from, input.message, out);
        break;
      case 'clientCommand':
        this.onCommands([input.command], 'client', out);
        break;
      case 'timer':
        onTimer(this.s, input.view, out);
        break;
      case 'executed':
        onExecuted(this.s, input, out);
        break;
      default:
        assertNever(input);
    }
    this.checkInvariants(before);
    return out;
  }

  get view(): View {
    return this.s.pm.view;
  }

  get safety(): SafetyState {
    return this.s.safety;
  }

  get committedHeight(): number {
    return this.s.tree.committedTip.height;
  }

  get pendingCommands(): number {
    return this.s.mempool.size;
  }

  /**
   * The blocks above height `aboveHeight` on the branch of the highest QC, oldest first, each with
   * a QC that certifies it (the next block's justify; the highest QC for the last), at most `max`.
   * Empty when that branch does not reach `aboveHeight` in the blocks held here. Catch-up serves
   * them after a peer's newest committed blocks: the 2-chain proof that those are committed lives
   * in these blocks, which are not in any database yet.
   */
  certifiedChainAbove(aboveHeight: number, max: number): Array<{ block: Block; qc: QuorumCert }> {
    const out: Array<{ block: Block; qc: QuorumCert }> = [];
    let qc = this.s.safety.highQc;
    let b = this.s.tree.get(qc.blockHash);
    while (b !== undefined && b.height > aboveHeight) {
      out.push({ block: b, qc });
      qc = b.justify;
      b = this.s.tree.get(b.parent);
    }
    if (b === undefined || b.height !== aboveHeight) return [];
    return out.reverse().slice(0, Math.max(0, max));
  }

  private onMessage(from: ReplicaId, m: Message, out: Effect[]): void {
    if (!Number.isSafeInteger(from) || from < 0 || from >= this.s.cfg.n || from === this.s.cfg.self) {
      out.push({ type: 'dropped', from, reason: 'unknownSender' });
      return;
    }
    const problem = checkMessage(m, this.s.limits);
    if (problem !== null) {
      out.push({ type: 'dropped', from, reason: problem.includes('too') ? 'oversized' : 'malformed', detail: problem });
      return;
    }
    switch (m.type) {
      case 'proposal':
        return onProposal(this.s, from, m.block, m.tc, m.signature, out);
      case 'vote':
        return onVote(this.s, from, m.vote, out);
      case 'timeout':
        return onTimeout(this.s, from, m.timeout, m.lastTc, out);
      case 'syncRequest':
        return onSyncRequest(this.s, from, m.blockHash, m.maxBlocks, out);
      case 'syncResponse':
        return onSyncResponse(this.s, from, m.blocks, out);
      case 'forward':
        return this.onCommands(m.commands, from, out);
      default:
        assertNever(m);
    }
  }

  /**
   * Commands from a client (forwarded to the current leader) or forwarded by a peer (kept here).
   * A client's retry of a command still pending here is forwarded again: a retry exists to reach a
   * leader that can propose it. Without that, a command forwarded earlier to leaders whose views had
   * passed (while the view ran idle, or through Byzantine leaders' timeouts) waited in non-leaders'
   * pools until one of them led, and every retry to those replicas was dropped as a duplicate
   * (sim: n=16 f=5 seed 5, three regions, an operation stuck for over 30 s).
   */
  private onCommands(commands: Command[], from: ReplicaId | 'client', out: Effect[]): void {
    const fresh: Command[] = [];
    let retried: Command[] | null = null;
    for (const c of commands) {
      const problem = from === 'client' ? checkCommand(c, this.s.limits) : null;
      if (problem !== null) {
        out.push({ type: 'dropped', from, reason: problem.includes('large') ? 'oversized' : 'malformed', detail: problem });
        continue;
      }
      const added = this.s.mempool.add(c);
      if (added === 'added') fresh.push(c);
      else {
        if (added === 'duplicate' && from === 'client') (retried ??= []).push(c);
        out.push({ type: 'dropped', from, reason: added === 'full' ? 'mempoolFull' : added === 'committed' ? 'alreadyCommitted' : 'duplicate' });
      }
    }
    const view = this.s.pm.view;
    if (fresh.length > 0 && this.s.cfg.leaderOf(view) === this.s.cfg.self) tryPropose(this.s, out);
    if (from !== 'client' || !this.s.cfg.forwardCommands) return;
    const toForward = retried === null ? fresh : fresh.concat(retried);
    if (toForward.length === 0) return;
    // To the current leader, unless that is us, and to the next one: the current leader may have
    // proposed in its view already, and then only the next can include the command soon.
    // One message object for both targets: a driver that encodes per message object (sim/wire.ts)
    // then encodes it once.
    const message: Message = { type: 'forward', commands: toForward };
    const self = this.s.cfg.self;
    const current = this.s.cfg.leaderOf(view);
    const next = this.s.cfg.leaderOf(view + 1);
    if (current !== self) out.push({ type: 'send', to: current, message });
    if (next !== self && next !== current) out.push({ type: 'send', to: next, message });
  }

  /** Reused every step (step is never re-entered): no object per input. */
  private readonly watermarks: Watermarks = { voted: 0, locked: 0, committed: 0, view: 0 };

  private snapshotInvariants(w: Watermarks): void {
    w.voted = this.s.safety.highestVotedView;
    w.locked = this.s.safety.lockedView;
    w.committed = this.s.tree.committedTip.height;
    w.view = this.s.pm.view;
  }

  /** Our own invariants (a violation is a bug in this core, so it crashes loudly). */
  private checkInvariants(before: Watermarks): void {
    const s = this.s;
    if (s.safety.highestVotedView < before.voted) invariantFailed(s, 'highestVotedView decreased');
    if (s.safety.lockedView < before.locked) invariantFailed(s, 'lockedView decreased');
    if (s.tree.committedTip.height < before.committed) invariantFailed(s, 'committed height decreased');
    if (s.pm.view < before.view) invariantFailed(s, 'view decreased');
    if (s.safety.highQc.view < s.safety.lockedView) invariantFailed(s, 'highQc below lock');
    if (s.executed !== null && s.executed.height > s.tree.committedTip.height) invariantFailed(s, 'executed beyond committed');
  }
}

/** Values that must never go backwards across a step. */
interface Watermarks {
  voted: View;
  locked: View;
  committed: number;
  view: View;
}

function invariantFailed(s: ReplicaState, what: string): never {
  throw new Error(`consensus invariant violated on replica ${s.cfg.self}: ${what}`);
}
