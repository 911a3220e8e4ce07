// The real-world driver of one replica: the same loop as sim/ — next input, `Replica.step`, carry out
// the effects in order — with libp2p for messages, level for durability and the wall clock for
// timers. It also executes committed blocks with the kernel, signs their roots (off the event loop)
// and answers the client service through `ReplicaServices`.
//
// Ordering rules it keeps:
//   - one input at a time; effects of a step in list order;
//   - `persist` is awaited (fsync) before any later effect of the same step (persist-before-send);
//   - commits are executed in order right after the step's other effects (so its vote leaves first),
//     and `executed` is fed back before any other input;
//   - a receipt is handed to a client only after its block's commit batch is durable.
import { roundRobinLeader } from '../../consensus/pacemaker.js';
import { Replica } from '../../consensus/replica.js';
import type { Block, ConsensusConfig, ConsensusCrypto, Effect, Input, Message, QuorumCert } from '../../consensus/types.js';
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { HybridSecretKey } from '../../crypto/hybrid.js';
import type { HybridWorkerPool } from '../../crypto/worker-pool.js';
import { lastAcceptedSeq, readState, stateRoot, type Genesis, type KernelState } from '../../kernel/api.js';
import { prevalidateEnvelope } from '../client/envelope.js';
import type { ClusterFile } from '../cluster/config.js';
import type { Logger } from '../log/logger.js';
import type { ReplicaMetrics } from '../metrics/replica-metrics.js';
import type { ValidatorNetwork } from '../net/validator-network.js';
import { decodeConsensusMessage, encodeConsensusMessage, type WireLimits } from '../proto/consensus-codec.js';
import { PrunedError, type ExecutionRecord, type SnapshotRecord } from '../storage/records.js';
import type { ReplicaStore } from '../storage/replica-store.js';
import { executeBlock } from './executor.js';
import { ProofTree } from './proof-tree.js';
import { consensusRecovery, recover } from './recovery.js';
import { RootsSigner, type RootsToSign } from './roots-signer.js';
import { SNAPSHOT_DEFAULTS, SnapshotWriter } from './snapshot-writer.js';
import type { ClientCommand, ReceiptRecord, ReplicaServices, ReplicaStatus, SignedRoots } from './services.js';
import { Waiters } from './waiters.js';

export interface ReplicaNodeOptions {
  cluster: ClusterFile;
  self: number;
  config: ConsensusConfig;
  crypto: ConsensusCrypto;
  limits: WireLimits;
  store: ReplicaStore;
  hybridSecretKey: HybridSecretKey;
  pool: HybridWorkerPool;
  metrics: ReplicaMetrics;
  log: Logger;
}

/** Executions kept in memory for fast receipt answers (older ones are read from level). */
const RECENT_HEIGHTS = 128;
/** Signed roots kept in memory (heights; a batch covers up to 1,024). */
const SIGNED_ROOTS_KEPT = 4096;
/** How long after a client's request for signed roots this replica signs new heights unasked. */
const ROOTS_WANTED_MS = 2000;
/** Inputs waiting for the loop beyond which peer messages are dropped (clients get back-pressure via timeouts). */
const MAX_QUEUED_INPUTS = 50_000;
/** Clients whose highest executed seq is tracked in memory. */
const MAX_TRACKED_CLIENTS = 100_000;

interface RecentExecution {
  execution: ExecutionRecord;
  tree: ProofTree | null;
}

const key = (client: string, seq: number) => `${client}\u0000${seq}`;

export class ReplicaNode implements ReplicaServices {
  readonly f: number;
  readonly n: number;
  readonly self: number;
  private core!: Replica;
  private kernel!: KernelState;
  private net: ValidatorNetwork | null = null;
  private readonly inputs: Input[] = [];
  /** Commits of the current step, executed in order once its other effects are carried out. */
  private readonly toExecute: Array<{ block: Block; qc: QuorumCert }> = [];
  private readonly urgent: Input[] = [];
  private looping = false;
  private paused = 0;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Highest height executed in memory / written durably. */
  private executedHeight = 0;
  private durableHeight = 0;
  private readonly recent = new Map<number, RecentExecution>();
  private readonly recentIndex = new Map<string, { height: number; index: number }>();
  /**
   * Highest seq executed per client since this process started (bounded: cleared when it grows past
   * MAX_TRACKED_CLIENTS). A seq above it cannot be in the command index, which saves a level read
   * per submit and per receipt wait on the hot path; anything else is looked up.
   */
  private readonly maxExecutedSeq = new Map<string, number>();
  private readonly signed = new Map<number, SignedRoots>();
  private readonly receiptWaiters = new Waiters<ReceiptRecord>();
  private readonly rootsWaiters = new Waiters<SignedRoots>();
  private readonly admittedAt = new Map<string, number>();
  private readonly signer: RootsSigner;
  /** Until then (performance.now ms), new durable heights are signed without waiting to be asked. */
  private rootsWantedUntil = 0;
  private readonly snapshots: SnapshotWriter<Omit<SnapshotRecord, 'state'>>;
  private readonly leaderOf: (view: number) => number;
  /** Highest committed height any peer reported (catch-up fills it in). */
  peerHeight = 0;
  private fatal: ((e: Error) => void) | null = null;
  private get chainId(): string {
    return (this.o.cluster.genesis as { chainId: string }).chainId;
  }

  private constructor(private readonly o: ReplicaNodeOptions) {
    this.f = o.cluster.f;
    this.n = o.cluster.validators.length;
    this.self = o.self;
    this.leaderOf = o.config.leaderOf ?? roundRobinLeader(this.n);
    this.signer = new RootsSigner({
      pool: o.pool,
      secretKey: o.hybridSecretKey,
      replica: o.self,
      durableAbove: (h) => this.durableRootsAbove(h),
      onSigned: (batch) => this.onSigned(batch),
      onError: (heights, e) => o.log.error({ from: heights[0], to: heights[heights.length - 1], err: e.message }, 'signing execution roots failed'),
    });
    this.snapshots = new SnapshotWriter({
      every: o.cluster.consensus.snapshotEvery,
      ...SNAPSHOT_DEFAULTS,
      save: (_height, meta, state) => o.store.saveSnapshot({ ...meta, state }),
      onError: (e) => o.log.error({ err: e.message }, 'snapshot write failed'),
    });
  }

  /** Opens the replica on its store: recovers safety state, chain tip and kernel state. */
  static async create(o: ReplicaNodeOptions): Promise<ReplicaNode> {
    const node = new ReplicaNode(o);
    const r = await recover(o.store, o.cluster.genesis as unknown as Genesis, o.log);
    node.kernel = r.kernel;
    node.core = new Replica(o.config, o.crypto, r.consensus);
    node.executedHeight = node.durableHeight = o.store.tip;
    if (r.tipExecution) node.remember(r.tipExecution);
    o.metrics.height.set(o.store.tip);
    o.metrics.executedHeight.set(o.store.tip);
    return node;
  }

  /** Called with a fatal driver error (a storage write failed): the process should exit. */
  onFatal(handler: (e: Error) => void): void {
    this.fatal = handler;
  }

  attachNetwork(net: ValidatorNetwork): void {
    this.net = net;
  }

  start(): void {
    this.enqueue({ type: 'start' });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.snapshots.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.signer.close();
    this.receiptWaiters.clear();
    this.rootsWaiters.clear();
    await this.o.store.flush().catch(() => undefined);
  }

  // ---- inputs ----

  /** A frame from validator `from` (already authenticated by peer id). */
  onFrame(from: number, frame: Uint8Array): void {
    const d = decodeConsensusMessage(frame, this.o.limits);
    if (!d.ok) {
      this.o.metrics.drop('malformed');
      this.o.log.debug({ peer: from, reason: d.reason }, 'dropped malformed consensus frame');
      return;
    }
    this.o.metrics.messagesIn.inc();
    const m = d.value;
    // Start the client-signature checks of forwarded commands now, on the thread pool: by the time
    // their block executes (views later) the result is memoised and the event loop does not pay it.
    // (Proposals carry the same commands, forwarded earlier: checking them again would only race.)
    if (m.type === 'forward') for (const c of m.commands) void prevalidateEnvelope(c.bytes);
    this.enqueue({ type: 'message', from, message: m });
  }

  private enqueue(input: Input): void {
    if (this.stopped) return;
    if (this.inputs.length >= MAX_QUEUED_INPUTS && input.type === 'message') {
      this.o.metrics.drop('queue-full');
      return;
    }
    this.inputs.push(input);
    this.kick();
  }

  private kick(): void {
    if (!this.looping && this.paused === 0) void this.loop();
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (!this.stopped && this.paused === 0) {
        const input = this.urgent.shift() ?? this.inputs.shift();
        if (input === undefined) break;
        const t0 = performance.now();
        const effects = this.core.step(input);
        if (this.tracing) this.trace(input, effects);
        await this.carryOut(effects);
        // Committed blocks are executed after the step's other effects, so the vote or proposal
        // of this step leaves without waiting for the kernel (envelope checks dominate its cost).
        for (const c of this.toExecute.splice(0)) this.commit(c.block, c.qc);
        this.o.metrics.stepLatency.observe((performance.now() - t0) / 1000);
      }
    } catch (e) {
      this.o.log.fatal({ err: (e as Error).stack }, 'replica driver failed');
      this.fatal?.(e as Error);
    } finally {
      this.looping = false;
      this.updateGauges();
    }
    if (!this.stopped && this.paused === 0 && (this.urgent.length > 0 || this.inputs.length > 0)) this.kick();
  }

  private get tracing(): boolean {
    return this.o.log.isLevelEnabled('trace');
  }

  /** At log level trace: one line per step (input and effect kinds), for debugging liveness. */
  private trace(input: Input, effects: Effect[]): void {
    const what = input.type === 'message' ? `${input.message.type}<-${input.from}` : input.type === 'timer' ? `timer:${input.view}` : input.type;
    const fx = effects.map((e) => (e.type === 'send' ? `send:${e.message.type}->${e.to}` : e.type === 'broadcast' ? `bcast:${e.message.type}` : e.type === 'commit' ? `commit:${e.block.height}` : e.type === 'dropped' ? `drop:${e.reason}` : e.type));
    this.o.log.trace({ view: this.core.view, input: what, effects: fx }, 'step');
  }

  /** Holds the loop (catch-up swaps the core); resolves once the current step is finished. */
  async pause(): Promise<void> {
    this.paused++;
    // Catch-up pauses before it installs a peer's snapshot or blocks: a snapshot of the state from
    // before, finished later, must not be saved as the newest.
    this.snapshots.cancel();
    while (this.looping) await new Promise((r) => setImmediate(r));
  }

  resume(): void {
    this.paused = Math.max(0, this.paused - 1);
    this.kick();
  }

  private async carryOut(effects: Effect[]): Promise<void> {
    for (const e of effects) {
      switch (e.type) {
        case 'persist': {
          const t0 = performance.now();
          await this.o.store.saveSafety(e.safety);
          this.o.metrics.persistLatency.observe((performance.now() - t0) / 1000);
          break;
        }
        case 'send':
          this.count(e.message);
          if (e.to !== this.self) this.net?.send(e.to, encodeConsensusMessage(e.message));
          // Our vote goes to the next leader only: if that replica is gone, this view's block can
          // never be certified, so waiting for the view timer would only waste it.
          if (e.message.type === 'vote' && this.unresponsive(e.to)) this.timeOutEarly(e.message.vote.view);
          break;
        case 'broadcast':
          this.count(e.message);
          this.net?.broadcast(encodeConsensusMessage(e.message));
          break;
        case 'setTimer': {
          const t = setTimeout(() => {
            this.timers.delete(t);
            this.enqueue({ type: 'timer', view: e.view });
          }, e.durationMs);
          this.timers.add(t);
          if (this.lostLeader(e.view)) this.timeOutEarly(e.view);
          break;
        }
        case 'commit':
          this.toExecute.push({ block: e.block, qc: e.qc });
          break;
        case 'report':
          this.o.log.warn({ kind: e.kind, detail: e.detail }, 'consensus report');
          this.onReport?.(e.kind, e.detail);
          break;
        case 'dropped':
          this.o.metrics.dropped.inc({ reason: `core:${e.reason}` });
          break;
      }
    }
  }

  // ---- views whose leader is gone ----
  //
  // Round-robin gives a replica that is down every n-th view, and each such view used to cost a full
  // view timeout, plus the view before it (its votes go to the missing leader): with one replica of
  // four killed, a local cluster fell from ~700 to 14 commands/s, p50 3 s. A broken connection, or a
  // second of silence from a validator that heartbeats every 250 ms, is strong evidence that a leader
  // will not be heard from, so such a view is timed out at once — the same timer input the core gets
  // when its timer fires, only sooner. Timeouts decide liveness, never safety, and 2f+1 replicas
  // must still time out for the view to change (a replica that can reach the leader keeps waiting,
  // and f+1 early timeouts only make it join, as with any timeout).

  /** The leader of `view` is another replica whose link broke, or which fell silent (see ValidatorNetwork.unresponsive). */
  private lostLeader(view: number): boolean {
    const leader = this.leaderOf(view);
    return leader !== this.self && this.unresponsive(leader);
  }

  private unresponsive(peer: number): boolean {
    return this.net?.unresponsive(peer) ?? false;
  }

  /** Highest view timed out early (each view at most once; the real timer still fires later). */
  private earlyTimeoutView = 0;

  private timeOutEarly(view: number): void {
    if (view <= this.earlyTimeoutView) return;
    this.earlyTimeoutView = view;
    this.o.metrics.earlyTimeouts.inc();
    this.o.log.debug({ view, leader: this.leaderOf(view) }, 'view timed out early: its leader or the next one is unreachable');
    this.enqueue({ type: 'timer', view });
  }

  /** A validator became unresponsive (link broken, or silent): the current view cannot complete if it leads it or collects its votes. */
  onPeerLost(peer: number): void {
    const view = this.core?.view;
    if (view === undefined) return;
    if (this.leaderOf(view) === peer || this.leaderOf(view + 1) === peer) this.timeOutEarly(view);
  }

  /** Set by catch-up to hear `syncGap` and friends. */
  onReport: ((kind: string, detail: string) => void) | null = null;

  private count(m: Message): void {
    if (m.type === 'proposal') this.o.metrics.proposals.inc();
    else if (m.type === 'vote') this.o.metrics.votes.inc();
    else if (m.type === 'timeout' && m.timeout.voter === this.self) this.o.metrics.timeouts.inc();
  }

  private updateGauges(): void {
    this.o.metrics.view.set(this.core.view);
    this.o.metrics.height.set(this.core.committedHeight);
    this.o.metrics.mempool.set(this.core.pendingCommands);
  }

  // ---- execution ----

  private commit(block: Block, qc: QuorumCert): void {
    const ex = executeBlock(this.kernel, block, this.chainId);
    this.kernel = ex.state;
    this.executedHeight = block.height;
    for (const bad of ex.invalid) {
      this.o.metrics.drop('invalid-command');
      this.o.log.warn({ height: block.height, client: bad.client, seq: bad.seq, reason: bad.reason }, 'skipped invalid command in committed block');
    }
    this.remember(ex.execution);
    for (const c of ex.commands) {
      const k = key(c.client, c.seq);
      if (!this.recentIndex.has(k)) this.recentIndex.set(k, { height: block.height, index: c.index });
      if ((this.maxExecutedSeq.get(c.client) ?? -1) < c.seq) {
        if (this.maxExecutedSeq.size >= MAX_TRACKED_CLIENTS && !this.maxExecutedSeq.has(c.client)) this.maxExecutedSeq.clear();
        this.maxExecutedSeq.set(c.client, c.seq);
      }
    }
    this.o.metrics.commits.inc();
    this.o.metrics.committedCommands.inc(ex.commands.length);
    this.o.metrics.executedHeight.set(block.height);
    this.urgent.push({ type: 'executed', height: block.height, blockHash: block.hash, stateRoot: ex.execution.stateRoot, receiptsRoot: ex.execution.receiptsRoot });

    const writeStarted = performance.now();
    this.o.store.saveCommit({ committed: { block, qc }, execution: ex.execution, commands: ex.commands }).then(
      () => {
        this.o.metrics.commitWriteLatency.observe((performance.now() - writeStarted) / 1000);
        this.onDurable(block, ex.execution, ex.commands);
      },
      (e: Error) => {
        this.o.log.fatal({ height: block.height, err: e.message }, 'commit write failed');
        this.fatal?.(e);
      },
    );
    this.snapshots.afterBlock(block.height, ex.commands.length, this.kernel, () => ({
      at: { block, qc },
      stateRoot: ex.execution.stateRoot,
      receiptsRoot: ex.execution.receiptsRoot,
    }));
  }

  private onDurable(block: Block, execution: ExecutionRecord, commands: Array<{ client: string; seq: number; index: number }>): void {
    this.durableHeight = Math.max(this.durableHeight, block.height);
    const now = performance.now();
    for (const c of commands) {
      const k = key(c.client, c.seq);
      const t0 = this.admittedAt.get(k);
      if (t0 !== undefined) {
        this.admittedAt.delete(k);
        this.o.metrics.commitLatency.observe((now - t0) / 1000);
      }
      if (this.receiptWaiters.has(k)) {
        const loc = this.recentIndex.get(k);
        if (loc && loc.height === block.height) this.receiptWaiters.publish(k, this.receiptAt(this.recent.get(block.height)!, loc.index));
      }
    }
    // While clients are asking this replica for signed roots, every durable height is queued at
    // once: the client that gets this block's receipt will ask next, and by then the batch that
    // covers it is usually being signed (the signer still signs at most once per interval).
    if (this.rootsWaiters.has(String(block.height)) || now < this.rootsWantedUntil) {
      this.signer.request({ height: block.height, blockHash: block.hash, receiptsRoot: execution.receiptsRoot, stateRoot: execution.stateRoot });
    }
  }

  private remember(execution: ExecutionRecord): void {
    this.recent.set(execution.height, { execution, tree: null });
    const old = execution.height - RECENT_HEIGHTS;
    const gone = this.recent.get(old);
    if (gone) {
      this.recent.delete(old);
      // The index entries of that height fall back to level lookups.
      for (const [k, loc] of this.recentIndex) {
        if (loc.height > old) break;
        this.recentIndex.delete(k);
      }
    }
  }

  private receiptAt(r: RecentExecution, index: number): ReceiptRecord {
    if (r.tree === null) r.tree = new ProofTree(r.execution.receiptBytes);
    const e = r.execution;
    return { height: e.height, blockHash: e.blockHash, index, receiptBytes: e.receiptBytes[index], proof: r.tree.proof(index), receiptsRoot: e.receiptsRoot, stateRoot: e.stateRoot };
  }

  // Signed roots are kept in memory only: after a restart a height is simply signed again on
  // request (any signature over the same roots is as good), which costs less than writing ~3.4 KB
  // of signature per height.
  private onSigned(batch: SignedRoots[]): void {
    for (const s of batch) {
      this.signed.delete(s.height); // re-inserted as newest
      this.signed.set(s.height, s);
      this.rootsWaiters.publish(String(s.height), s);
    }
    while (this.signed.size > SIGNED_ROOTS_KEPT) this.signed.delete(this.signed.keys().next().value as number);
    this.o.metrics.rootsSignatures.inc();
  }

  /** Roots of the durable heights above `height` still held in memory, ascending (batch signing). */
  private durableRootsAbove(height: number): RootsToSign[] {
    const out: RootsToSign[] = [];
    for (let h = Math.max(height + 1, this.durableHeight - RECENT_HEIGHTS + 1); h <= this.durableHeight; h++) {
      const e = this.recent.get(h)?.execution;
      if (e !== undefined) out.push({ height: h, blockHash: e.blockHash, receiptsRoot: e.receiptsRoot, stateRoot: e.stateRoot });
    }
    return out;
  }

  // ---- ReplicaServices ----

  submit(command: ClientCommand): void {
    const k = key(command.client, command.seq);
    if (this.recentIndex.has(k)) return;
    // Older commands are checked against the database first: a replayed command must not be ordered again.
    if (this.surelyNotExecuted(command.client, command.seq)) {
      this.admit(k, command);
      return;
    }
    void this.o.store.lookupCommand(command.client, command.seq).then(
      (loc) => {
        if (loc !== null || this.recentIndex.has(k)) return;
        // In no index here, yet at or below the kernel's last accepted seq: it would only be refused
        // (kernel.replay), e.g. a replay of a command executed below an installed snapshot. waitForReceipt says why.
        if (this.replayRefusal(command.client, command.seq) !== null) {
          this.o.log.debug({ client: command.client, seq: command.seq }, 'replay below the kernel sequence refused');
          return;
        }
        this.admit(k, command);
      },
      // A replay of a pruned (client, seq) (storage PrunedError) is refused, never ordered again; waitForReceipt says why.
      (e: Error) => (e.name === 'PrunedError' ? this.o.log.debug({ client: command.client, seq: command.seq }, 'replay of a pruned command refused') : this.o.log.error({ err: e.message }, 'command index lookup failed')),
    );
  }

  private admit(k: string, command: ClientCommand): void {
    // Commands admitted here but ordered elsewhere never reach onDurable here: forget them in bulk.
    if (this.admittedAt.size >= MAX_QUEUED_INPUTS) this.admittedAt.clear();
    this.admittedAt.set(k, performance.now());
    this.enqueue({ type: 'clientCommand', command });
    this.spread(command);
  }

  private surelyNotExecuted(client: string, seq: number): boolean {
    const max = this.maxExecutedSeq.get(client);
    return max !== undefined && seq > max;
  }

  /** Shares admitted commands with every peer, batched per event-loop turn into one forward message. */
  private spread(command: ClientCommand): void {
    this.spreading.push(command);
    if (this.spreading.length === 1) {
      setImmediate(() => {
        const batch = this.spreading.splice(0);
        for (let i = 0; i < batch.length; i += this.o.limits.maxCommands) {
          this.net?.broadcast(encodeConsensusMessage({ type: 'forward', commands: batch.slice(i, i + this.o.limits.maxCommands) }));
        }
      });
    }
  }

  private readonly spreading: ClientCommand[] = [];

  async waitForReceipt(client: string, seq: number, timeoutMs: number): Promise<ReceiptRecord | null> {
    const k = key(client, seq);
    const found = await this.findReceipt(client, seq);
    if (found !== null) return found;
    const waiting = this.receiptWaiters.wait(k, timeoutMs);
    // It may have become durable between the lookup and the wait.
    const again = await this.findReceipt(client, seq);
    if (again !== null) {
      this.receiptWaiters.publish(k, again);
      return again;
    }
    return waiting;
  }

  private async findReceipt(client: string, seq: number): Promise<ReceiptRecord | null> {
    const recent = this.recentIndex.get(key(client, seq));
    if (recent === undefined && this.surelyNotExecuted(client, seq)) return null;
    // (Executed while the lookup was in flight: the in-memory index has it now.)
    const loc = recent ?? (await this.o.store.lookupCommand(client, seq)) ?? this.recentIndex.get(key(client, seq)) ?? null;
    if (loc === null) {
      const refusal = this.replayRefusal(client, seq);
      if (refusal !== null) throw refusal;
      return null;
    }
    if (loc.height > this.durableHeight) return null;
    let r = this.recent.get(loc.height);
    if (r === undefined) {
      const execution = await this.o.store.getExecution(loc.height);
      if (execution === null) return null;
      r = { execution, tree: null };
    }
    if (loc.index >= r.execution.receiptBytes.length) return null;
    return this.receiptAt(r, loc.index);
  }

  /**
   * Why (client, seq) will never get a receipt from this replica, when it is in no index here (the
   * caller looked) but at or below the last seq the kernel accepted from that client: the kernel
   * refuses it as a replay, so ordering it would spend a consensus slot on a kernel.replay receipt.
   * Below a low-water mark (pruning, or a snapshot installed by catch-up: no index below it) this
   * is how a replay of a command executed there is recognised. The client id is the kernel
   * principal (node/client/envelope.ts: the body's principal must be the signing key's id).
   * A pure read of the executed kernel state, which moves together with the in-memory index.
   */
  private replayRefusal(client: string, seq: number): PrunedError | null {
    const last = lastAcceptedSeq(this.kernel, client);
    if (last === null || seq > last) return null;
    const mark = this.o.store.prunedBelow;
    if (mark > 1) {
      return new PrunedError(
        `receipt not stored here: (client ${client}, seq ${seq}) was executed at or before height ${mark - 1}, below this replica's low-water mark ${mark}, ` +
          `or never: the kernel already accepted seq ${last} from this client, so this (client, seq) is never executed again`,
        mark,
      );
    }
    // The whole index is here: it never ran, and now never will (a client's seqs only grow).
    return new PrunedError(
      `stale sequence number: (client ${client}, seq ${seq}) was never executed, and the kernel already accepted seq ${last} from this client, so this (client, seq) is never executed`,
      mark,
    );
  }

  async signedRoots(height: number, timeoutMs: number): Promise<SignedRoots | null> {
    if (!Number.isSafeInteger(height) || height < 1) return null;
    this.rootsWantedUntil = performance.now() + ROOTS_WANTED_MS;
    const have = this.signed.get(height);
    if (have !== undefined) return have;
    // Not durable yet: onDurable queues it for signing while someone waits for it.
    if (height > this.durableHeight) return this.rootsWaiters.wait(String(height), timeoutMs);
    // Below the retention low-water mark this throws the store's PrunedError, which the client sees.
    const e = this.recent.get(height)?.execution ?? (await this.o.store.getExecution(height));
    const signedMeanwhile = this.signed.get(height);
    if (signedMeanwhile !== undefined) return signedMeanwhile;
    if (e === null) return null;
    const waiting = this.rootsWaiters.wait(String(height), timeoutMs);
    this.signer.request({ height, blockHash: e.blockHash, receiptsRoot: e.receiptsRoot, stateRoot: e.stateRoot });
    return waiting;
  }

  status(): ReplicaStatus {
    const view = this.core.view;
    const height = this.core.committedHeight;
    return {
      id: this.self,
      height,
      executedHeight: this.durableHeight,
      view,
      leader: this.leaderOf(view),
      peers: this.net?.connectedPeers() ?? [],
      mempool: this.core.pendingCommands,
      lag: Math.max(0, this.peerHeight - height),
    };
  }

  /**
   * This replica's current value of descriptor state (not ordered by consensus: fast, maybe stale).
   * `path` is `<state>` for a scalar or `<state>/<mapKey>` for a map entry (state names hold no '/').
   * Throws StateReadError for an undeclared state or a path that does not fit its declaration.
   */
  localRead(path: string): CanonicalValue | null {
    const slash = path.indexOf('/');
    return slash < 0 ? readState(this.kernel, path) : readState(this.kernel, path.slice(0, slash), path.slice(slash + 1));
  }

  // ---- catch-up support (node/replica/catch-up.ts) ----

  /** Highest height executed here (in memory; durable shortly after). */
  get executedTip(): number {
    return this.executedHeight;
  }

  get durableTip(): number {
    return this.durableHeight;
  }

  get store(): ReplicaStore {
    return this.o.store;
  }

  /** Blocks above `height` on the core's certified branch, each with a QC certifying it (see Replica.certifiedChainAbove). */
  certifiedChainAbove(height: number, max: number): Array<{ block: Block; qc: QuorumCert }> {
    return this.core.certifiedChainAbove(height, max);
  }

  /**
   * Executes a committed block verified by catch-up (outside the core), in height order.
   * Call only while paused. Returns the new executed roots.
   */
  async applyCaughtUp(block: Block, qc: QuorumCert): Promise<void> {
    if (block.height !== this.executedHeight + 1) throw new Error(`catch-up: block ${block.height} does not follow executed ${this.executedHeight}`);
    this.commit(block, qc);
    this.urgent.length = 0; // the old core never saw this block: it is replaced below
    await this.o.store.flush();
  }

  /** Installs a verified kernel snapshot as the new base (catch-up from far behind). */
  installKernel(kernel: KernelState, execution: ExecutionRecord): void {
    this.kernel = kernel;
    // The fast path "seq above the highest executed here" skips the index and the kernel's replay
    // bound; across the snapshot's gap it no longer describes what this kernel has accepted.
    this.maxExecutedSeq.clear();
    this.executedHeight = this.durableHeight = execution.height;
    this.remember(execution);
    if (!(stateRoot(kernel).length === 32)) throw new Error('catch-up: bad kernel state');
  }

  /** Replaces the consensus core after catch-up moved the committed tip forward (call while paused). */
  async rebuildCore(): Promise<void> {
    const r = await consensusRecovery(this.o.store);
    const pending = this.core.pendingCommands;
    this.core = new Replica(this.o.config, this.o.crypto, r);
    this.urgent.length = 0;
    this.urgent.push({ type: 'start' });
    this.o.log.info({ tip: this.o.store.tip, droppedPending: pending }, 'consensus core rebuilt after catch-up');
  }
}

