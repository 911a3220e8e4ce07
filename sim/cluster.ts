// The simulated cluster: replicas (honest, Byzantine, Twins), clients, the network and the fault
// plan, all driven from one (virtual time, sequence)-ordered event queue. No real timers, no wall
// clock, one seeded PRNG tree: the same options give the same trace, byte for byte.
import { Replica } from '../consensus/replica.js';
import type { Command, ConsensusConfig, Message, RecoveredState, ReplicaId } from '../consensus/types.js';
import { createKernel, type Genesis, type Receipt } from '../kernel/api.js';
import type { CanonicalValue } from '../crypto/canonical.js';
import { hashTagged } from '../crypto/hash.js';
import { fromHex, toHex } from '../crypto/bytes.js';
import { EventQueue } from './event-queue.js';
import { Prng } from './prng.js';
import { Network, regionLatencyMatrix } from './network.js';
import { protocolRecoveryBoundMs, timeoutsFor } from './timing.js';
import { planFaults, type FaultPlan } from './faults.js';
import { ReplicaHost, answerKey, envelopeContent, openBatch, type FindingKind, type HostEnv, type OpenedBatch } from './replica-host.js';
import { ByzantineCore, behavioursOf, type Core } from './byzantine/index.js';
import { createSimCrypto, type SimCrypto } from './crypto-scheme.js';
import { SimClient, type Workload } from './clients.js';
import { History, type RegisterValue } from './history.js';
import { SafetyChecker, type CommitRecord } from './checkers.js';
import { Trace } from './trace.js';
import { Wire } from './wire.js';
import type { SimEvent } from './events.js';
import { describeMessage, messageType } from './describe.js';
import { protocolF, type SimOptions } from './options.js';

/** The sim's workloads never govern; genesis still needs an admin id, and no one holds its key. */
const SIM_ADMIN = toHex(hashTagged('knhk/sim/admin', new Uint8Array(0)));

export interface ClusterStats {
  events: number;
  messagesDelivered: number;
  messagesToDownHosts: number;
  dropsByReason: Record<string, number>;
  reportsByKind: Record<string, number>;
  clientRetries: number;
  rootsSigned: number;
  rootsVerified: number;
  rootsInvalid: number;
}

export interface Finding {
  kind: FindingKind;
  atMs: number;
  replica: string;
  detail: string;
}


export class Cluster {
  readonly queue = new EventQueue<SimEvent>();
  readonly history = new History();
  readonly checker = new SafetyChecker();
  readonly trace: Trace;
  readonly plan: FaultPlan;
  readonly network: Network;
  readonly hosts: ReplicaHost[] = [];
  readonly clients: SimClient[] = [];
  readonly findings: Finding[] = [];
  readonly stats: ClusterStats = {
    events: 0, messagesDelivered: 0, messagesToDownHosts: 0, dropsByReason: {}, reportsByKind: {}, clientRetries: 0, rootsSigned: 0, rootsVerified: 0, rootsInvalid: 0,
  };
  nowMs = 0;
  /** Virtual time of the first honest commit at or after the last fault healed. */
  firstCommitAfterHealMs: number | null = null;
  /** True when the run ended at its first safety violation (liveness was then not judged). */
  stoppedEarly = false;
  opsStarted = 0;
  opsCompleted = 0;
  private readonly crypto: SimCrypto;
  /** The codec every message crosses in wire mode (null with --no-wire); public for tests. */
  readonly wire: Wire | null;
  private readonly hostsOf: number[][] = [];
  /** Twins: which twin (0/1) each replica talks to; null without Twins. */
  private readonly twinSide: number[] | null = null;
  private readonly twinId: number | null = null;
  private readonly clientByPrincipal = new Map<string, number>();
  private readonly genesis: Genesis;
  private readonly timing: ReturnType<typeof timeoutsFor>;
  /** The liveness bound of this run: the option, or the protocol's own recovery bound if longer. */
  readonly livenessBoundMs: number;
  private readonly prngClients: Prng;
  private readonly prngByz: Prng;
  private readonly prngFaults: Prng;
  /**
   * Mean client think time between operations. With faults, clients pace themselves so the workload
   * spans the fault window (otherwise a fast run could finish before the first crash); without
   * faults they go flat out.
   */
  private readonly thinkMs: number;
  /** Opened commands per block-commands array: every replica given the same (shared, frozen) block opens it once. */
  private readonly openedBatches = new WeakMap<readonly Command[], OpenedBatch>();
  /** Cached liveness deadline of the oldest outstanding operation (recomputed every few events). */
  private deadlineMs = Infinity;
  /**
   * Operations in the order they started (client index, seq, invocation ms), from `startedHead`
   * on: invocation times never decrease, so the first one still outstanding is the oldest, and
   * livenessDeadlineMs() skips the completed ones instead of scanning every client.
   */
  private readonly started: { client: number; seq: number; invokeMs: number }[] = [];
  private startedHead = 0;
  /** Network delays of the message being routed (Network.routeInto), reused. */
  private readonly delays: number[] = [];
  /** Replica names as the trace prints them (`r0`, `r1`, ...), built once. */
  private readonly replicaNames: string[];
  /** Per opened batch: the index of each command's client (-1: none), so each replica's receipts need no lookup by principal. */
  private readonly batchClients = new WeakMap<OpenedBatch, Int32Array>();

  constructor(
    readonly options: SimOptions,
    private readonly workload: Workload,
  ) {
    const o = options;
    const root = new Prng(o.seed);
    const prngNet = root.fork();
    this.prngClients = root.fork();
    this.prngByz = root.fork();
    const prngKeys = root.fork();
    const prngTwins = root.fork();
    this.trace = new Trace(o.keepTrace);
    this.plan = planFaults({ seed: o.seed, nodes: o.nodes, byzantine: o.byzantine, classes: o.faults, faultWindowMs: o.faultWindowMs });
    const latency = regionLatencyMatrix(o.regions, { minMs: 1, maxMs: 2 });
    this.timing = timeoutsFor(latency);
    this.livenessBoundMs = Math.max(o.livenessBoundMs, protocolRecoveryBoundMs(this.timing, o.byzantine));
    const opsPerClient = Math.max(1, Math.ceil(o.commands / o.clients));
    this.thinkMs = o.faults.length > 0 ? Math.floor(o.faultWindowMs / opsPerClient) : 2;
    const regionOf = [...Array.from({ length: o.nodes }, (_, i) => i % o.regions), ...Array.from({ length: o.clients }, (_, i) => i % o.regions)];
    this.network = new Network(prngNet, latency, regionOf, this.plan.network);
    this.crypto = createSimCrypto(o.crypto, o.nodes, prngKeys);
    this.replicaNames = Array.from({ length: o.nodes }, (_, i) => `r${i}`);
    const prngWire = root.fork();
    this.prngFaults = root.fork();
    this.wire = o.wire
      ? new Wire({ n: o.nodes, maxCommands: o.maxBatchCommands, maxCommandBytes: 64 * 1024, maxSyncBlocks: 64 }, prngWire)
      : null;

    for (let i = 0; i < o.clients; i++) {
      const name = `c${i}`;
      const { principal, seal } = this.crypto.client(name);
      this.clientByPrincipal.set(principal, i);
      this.clients.push(new SimClient(i, name, principal, { seal }, this.prngClients.fork(), workload, this.history, protocolF(o.nodes) + 1));
    }
    const principals: Genesis['principals'] = {};
    for (const c of this.clients) principals[c.principal] = workload.principal;
    this.genesis = { chainId: `knhk-sim-${o.seed}`, admins: [SIM_ADMIN], adminThreshold: 1, descriptor: workload.descriptor as CanonicalValue, principals };

    const twinAssignment = this.plan.byzantine.find((b) => b.behaviours.includes('twins'));
    if (twinAssignment) {
      this.twinId = twinAssignment.node;
      this.twinSide = Array.from({ length: o.nodes }, (_, i) => (i === twinAssignment.node ? -1 : prngTwins.int(0, 1)));
    }
    for (let id = 0; id < o.nodes; id++) {
      this.hostsOf.push([]);
      const twins = id === this.twinId ? 2 : 1;
      for (let t = 0; t < twins; t++) this.addHost(id, t);
    }
    this.scheduleFaults();
  }

  private honestId(id: ReplicaId): boolean {
    return !this.plan.byzantine.some((b) => b.node === id);
  }

  private consensusConfig(id: ReplicaId): ConsensusConfig {
    return {
      n: this.options.nodes,
      f: protocolF(this.options.nodes),
      self: id,
      maxBatchCommands: this.options.maxBatchCommands,
      maxBatchBytes: 4 * 1024 * 1024,
      baseTimeoutMs: this.timing.baseTimeoutMs,
      maxTimeoutMs: this.timing.maxTimeoutMs,
      unsafeTestOnly: this.honestId(id) ? this.options.unsafeTestOnly : undefined,
    };
  }

  private makeCore(id: ReplicaId, restored: RecoveredState | undefined): Core {
    const replica = new Replica(this.consensusConfig(id), this.crypto.consensusCrypto(id), restored);
    const byz = this.plan.byzantine.find((b) => b.node === id);
    if (!byz) return replica;
    return new ByzantineCore(replica, { self: id, n: this.options.nodes, sign: this.crypto.replicaSigner(id), prng: this.prngByz.fork() }, behavioursOf(byz.behaviours));
  }

  private addHost(id: ReplicaId, twin: number): void {
    const store = ReplicaHost.freshStore(createKernel(this.genesis));
    const host = new ReplicaHost(this.hosts.length, id, twin, this.honestId(id), this.makeCore(id, undefined), store, this.env);
    this.hostsOf[id].push(this.hosts.length);
    this.hosts.push(host);
  }

  private scheduleFaults(): void {
    for (const c of this.plan.crashes) {
      for (const h of this.hostsOf[c.node]) {
        this.queue.push(c.atMs, { k: 'crash', host: h });
        this.queue.push(c.restartMs, { k: 'restart', host: h });
      }
    }
  }

  // ---- the world as the replica hosts see it ----

  private readonly env: HostEnv = {
    send: (from, to, message) => this.sendMessage(from, to, message),
    broadcast: (from, message) => {
      // Encoded once for all peers (a non-object, i.e. Byzantine junk, gets fresh junk bytes per peer as before).
      const bytes = this.wire !== null && message !== null && typeof message === 'object' ? this.wire.encode(message) : undefined;
      for (let to = 0; to < this.options.nodes; to++) if (to !== from.id) this.sendMessage(from, to, message, bytes);
    },
    setTimer: (host, view, durationMs) => {
      const h = host.index;
      // Clock drift: a replica whose clock runs slow waits longer in real (virtual) time.
      const d = Math.max(0, durationMs) * this.plan.drift[host.id];
      this.queue.push(this.nowMs + d, { k: 'timer', host: h, view, incarnation: host.incarnation });
    },
    committed: (host, record, receipts, opened) => this.onCommitted(host, record, receipts, opened),
    openBatch: (commands) => {
      let opened = this.openedBatches.get(commands);
      if (opened === undefined) this.openedBatches.set(commands, (opened = openBatch(commands, (bytes, key) => this.crypto.openCommand(bytes, key))));
      return opened;
    },
    finding: (host, kind, detail) => {
      if (this.findings.length < 50) this.findings.push({ kind, atMs: this.nowMs, replica: host.label, detail });
    },
    tornCrash: (host, nextEffect) => {
      this.trace.record(this.nowMs, host.label, host.label, 'crash', `torn before ${nextEffect} executed=${host.executedHeight}`);
    },
    dropped: (_host, reason) => {
      this.stats.dropsByReason[reason] = (this.stats.dropsByReason[reason] ?? 0) + 1;
    },
    reported: (host, kind, detail) => {
      this.stats.reportsByKind[kind] = (this.stats.reportsByKind[kind] ?? 0) + 1;
      // An honest core that sees a QC for a block conflicting with its committed chain has proof that
      // more than f replicas misbehaved: safety is already lost, whether or not it commits the fork.
      if (host.honest && kind === 'conflictingCommit') this.env.finding(host, 'conflict', detail);
    },
  };

  /** Routes one message through the network to every host of `to` that `from` can reach (Twins split the network). */
  private sendMessage(from: ReplicaHost, to: ReplicaId, message: Message, encoded?: Uint8Array): void {
    if (to < 0 || to >= this.options.nodes || !Number.isInteger(to)) return;
    const bytes = this.wire ? (encoded ?? this.wire.encode(message)) : null;
    for (const h of this.hostsOf[to]) {
      const target = this.hosts[h];
      if (!this.twinsConnected(from, target)) continue;
      const copies = this.network.routeInto(from.id, to, this.nowMs, this.delays);
      for (let i = 0; i < copies; i++) {
        this.queue.push(this.nowMs + this.delays[i], { k: 'deliver', host: h, from: from.id, fromLabel: from.label, message: bytes ? null : message, bytes });
      }
    }
  }

  /**
   * Twins hear everything sent to their shared identity (so both stay in step and both lead that
   * identity's views), but what twin i sends reaches only the replicas on side i: each side sees one
   * consistent replica, and the two sides see two different ones — blocks, votes and timeouts that
   * no single honest replica can tell apart from an honest peer's.
   */
  private twinsConnected(from: ReplicaHost, to: ReplicaHost): boolean {
    if (this.twinSide === null || from.id !== this.twinId) return true;
    if (to.id === this.twinId) return from.twin === to.twin;
    return this.twinSide[to.id] === from.twin;
  }

  private onCommitted(host: ReplicaHost, record: CommitRecord, receipts: Receipt[], opened: OpenedBatch): void {
    this.trace.record(this.nowMs, host.label, host.label, 'commit', `h=${record.height} b=${record.blockHash.slice(0, 8)} cmds=${record.commands.length} state=${record.stateRoot.slice(0, 8)}`);
    if (host.honest) {
      this.checker.onCommit(record);
      if (this.firstCommitAfterHealMs === null && this.nowMs >= this.plan.faultEndMs) this.firstCommitAfterHealMs = this.nowMs;
      if (this.crypto.mode === 'real') {
        const sig = this.crypto.signRoots(host.id, record.height, fromHex(record.blockHash), fromHex(record.receiptsRoot), fromHex(record.stateRoot));
        if (sig) {
          this.stats.rootsSigned++;
          if (this.crypto.verifyRoots(sig)) this.stats.rootsVerified++;
          else this.stats.rootsInvalid++;
        }
      }
    }
    const clients = this.clientsOf(opened);
    for (let i = 0; i < receipts.length; i++) {
      const r = receipts[i];
      // A replayed (client, seq) was answered when it first executed.
      if (r.result === 'failed' && r.ruleId === 'kernel.replay') continue;
      // Receipt i is batch command i's, whose client was looked up once per batch (a receipt of a
      // malformed command names no principal: the lookup then finds none, as before).
      const client = i < clients.length && r.principal === opened.batch[i].principal ? clients[i] : (this.clientByPrincipal.get(r.principal) ?? -1);
      if (client < 0) continue;
      const result = this.workload.resultOf(r);
      host.rememberAnswer(answerKey(client, r.seq, this.clients.length), result);
      this.reply(host, client, r.seq, result);
    }
  }

  /** The client index of each command of an opened batch (computed once, shared by every replica executing it). */
  private clientsOf(opened: OpenedBatch): Int32Array {
    let clients = this.batchClients.get(opened);
    if (clients === undefined) {
      clients = new Int32Array(opened.batch.length);
      for (let i = 0; i < opened.batch.length; i++) clients[i] = this.clientByPrincipal.get(opened.batch[i].principal) ?? -1;
      this.batchClients.set(opened, clients);
    }
    return clients;
  }

  private reply(host: ReplicaHost, client: number, seq: number, honestResult: RegisterValue): void {
    const lies = !host.honest && this.plan.byzantine.find((b) => b.node === host.id)?.behaviours.includes('garbage');
    const result = lies ? 'byzantine-lie' : honestResult;
    const copies = this.network.routeInto(host.id, this.options.nodes + client, this.nowMs, this.delays);
    for (let i = 0; i < copies; i++) {
      this.queue.push(this.nowMs + this.delays[i], { k: 'reply', client, replica: host.id, seq, result });
    }
  }

  // ---- the run ----

  /**
   * Runs until every operation completed, or an outstanding operation passed its liveness deadline
   * (the run has failed), or `maxEvents`. There is no fixed virtual-time budget: a run that stays
   * live but slow (f Byzantine leaders time out views for good) must not be cut while its newest
   * operations are still inside their bound — that was reported as a liveness failure (n=7 f=2,
   * seed 24, every fault class, 3 regions: ~2 s per operation, cut at 95 s). The deadline check
   * bounds the run anyway: each operation completes within the liveness bound of max(its
   * invocation, faultEndMs), or the run stops there.
   */
  run(): void {
    const o = this.options;
    for (const h of this.hosts) h.handle({ type: 'start' }, 0);
    for (let c = 0; c < this.clients.length && this.opsStarted < o.commands; c++) this.queue.push(this.prngClients.int(0, 5), { k: 'clientNext', client: c });
    let lastProgress = 0;
    for (;;) {
      if (this.opsCompleted >= o.commands && this.opsStarted >= o.commands) break;
      if (this.queue.size === 0) break;
      const event = this.queue.take()!;
      const timeMs = this.queue.takenTimeMs;
      // Once the oldest outstanding operation is past its liveness deadline, the run has failed; stop.
      if ((this.stats.events & 255) === 0) this.deadlineMs = this.livenessDeadlineMs();
      if (timeMs > this.deadlineMs && timeMs > this.livenessDeadlineMs()) break;
      this.nowMs = timeMs;
      if (++this.stats.events > o.maxEvents) break;
      this.dispatch(event);
      if (o.stopOnSafetyViolation && (this.checker.violationCount > 0 || this.findings.length > 0)) {
        this.stoppedEarly = true;
        break;
      }
      if (o.onProgress && this.opsCompleted !== lastProgress && (this.opsCompleted & 31) === 0) {
        lastProgress = this.opsCompleted;
        o.onProgress(this.opsCompleted, o.commands);
      }
    }
    o.onProgress?.(this.opsCompleted, o.commands);
  }

  /** max(invocation of the oldest outstanding operation, faultEndMs) + the bound; Infinity when none is outstanding. */
  private livenessDeadlineMs(): number {
    const started = this.started;
    while (this.startedHead < started.length) {
      const s = started[this.startedHead];
      const p = this.clients[s.client].pending;
      if (p !== null && p.seq === s.seq) return Math.max(s.invokeMs, this.plan.faultEndMs) + this.livenessBoundMs;
      this.startedHead++;
    }
    if (this.startedHead > 0) {
      started.length = 0;
      this.startedHead = 0;
    }
    return Infinity;
  }

  private dispatch(e: SimEvent): void {
    switch (e.k) {
      case 'deliver': {
        const host = this.hosts[e.host];
        if (!host.up) {
          this.stats.messagesToDownHosts++;
          this.trace.record(this.nowMs, e.fromLabel, host.label, 'lost(down)', e.bytes ? `${e.bytes.length}B` : messageType(e.message));
          return;
        }
        let message = e.message;
        if (e.bytes && this.wire) {
          const v = this.wire.decode(e.bytes);
          if (!v.ok) {
            // The driver drops what does not decode; the core never sees it.
            this.env.dropped(host, 'undecodable');
            this.trace.record(this.nowMs, e.fromLabel, host.label, 'garbage', `${e.bytes.length}B undecodable`);
            return;
          }
          message = v.message;
        }
        const type = messageType(message);
        this.stats.messagesDelivered++;
        this.trace.record(this.nowMs, e.fromLabel, host.label, type, type === 'garbage' ? '' : describeMessage(message as Message));
        host.handle({ type: 'message', from: e.from, message: message as Message }, this.nowMs);
        return;
      }
      case 'timer': {
        const host = this.hosts[e.host];
        if (!host.up || host.incarnation !== e.incarnation) return;
        // A timer for a view the core has left changes nothing (consensus/timeouts.ts onTimer
        // ignores it: no effect, no state), and most timers end so — the view moved on first. When
        // the core is a plain Replica its view is known here, so such a timer costs no step and no
        // trace line. (Byzantine wrappers always get the step: they may react to any input.)
        if (host.core instanceof Replica && host.core.view !== e.view) return;
        this.trace.record(this.nowMs, host.label, host.label, 'timer', `v=${e.view}`);
        host.handle({ type: 'timer', view: e.view }, this.nowMs);
        return;
      }
      case 'request': {
        const host = this.hosts[e.host];
        if (!host.up) return;
        this.trace.record(this.nowMs, this.clients[e.client].name, host.label, 'request', `seq=${e.command.seq}`);
        // Admission: the client service checks the envelope before consensus sees it (node/ does the same).
        const opened = this.crypto.openCommand(e.command.bytes);
        if (!opened.ok || opened.client !== e.command.client || opened.seq !== e.command.seq) {
          this.env.dropped(host, 'badClientEnvelope');
          return;
        }
        // A retry of a command this replica already executed is answered from its receipt index
        // (node/'s client service does the same); consensus would only drop it as committed.
        const answered = host.durable.answers.get(answerKey(e.client, e.command.seq, this.clients.length));
        if (answered !== undefined) {
          this.reply(host, e.client, e.command.seq, answered);
          return;
        }
        host.handle({ type: 'clientCommand', command: e.command }, this.nowMs);
        return;
      }
      case 'reply': {
        const client = this.clients[e.client];
        this.trace.record(this.nowMs, this.replicaNames[e.replica] ?? `r${e.replica}`, client.name, 'reply', `seq=${e.seq} ${e.result === null ? 'null' : e.result}`);
        if (client.onReply(e.replica, e.seq, e.result, this.nowMs)) {
          this.opsCompleted++;
          this.queue.push(this.nowMs + this.prngClients.int(0, 2 * this.thinkMs), { k: 'clientNext', client: e.client });
        }
        return;
      }
      case 'clientNext': {
        if (this.opsStarted >= this.options.commands) return;
        const client = this.clients[e.client];
        if (client.pending) return;
        this.opsStarted++;
        const op = client.start(this.nowMs);
        this.started.push({ client: e.client, seq: op.seq, invokeMs: op.invokeMs });
        if (this.startedHead > 1024 && 2 * this.startedHead > this.started.length) {
          this.started.splice(0, this.startedHead);
          this.startedHead = 0;
        }
        this.checker.noteSubmitted(client.principal, op.seq, envelopeContent(op.bytes));
        this.trace.record(this.nowMs, client.name, client.name, 'invoke', `seq=${op.seq} ${op.op}`);
        this.submitRequest(e.client, op.seq, op.bytes, 0);
        this.queue.push(this.nowMs + this.timing.retryMs, { k: 'clientRetry', client: e.client, seq: op.seq, attempt: 1 });
        return;
      }
      case 'clientRetry': {
        const client = this.clients[e.client];
        const p = client.pending;
        if (!p || p.seq !== e.seq) return;
        this.stats.clientRetries++;
        this.trace.record(this.nowMs, client.name, client.name, 'retry', `seq=${e.seq} #${e.attempt}`);
        this.submitRequest(e.client, p.seq, p.bytes, e.attempt);
        const backoff = this.timing.retryMs * Math.min(8, 2 ** e.attempt);
        this.queue.push(this.nowMs + backoff, { k: 'clientRetry', client: e.client, seq: e.seq, attempt: e.attempt + 1 });
        return;
      }
      case 'crash': {
        const host = this.hosts[e.host];
        if (!host.up) return;
        if (this.prngFaults.chance(0.5)) {
          // Half the crashes are torn: the host dies inside its next step, after 0-3 of its effects.
          host.tornCrashAfter = this.prngFaults.int(0, 3);
          this.trace.record(this.nowMs, host.label, host.label, 'crash-armed', `after=${host.tornCrashAfter} effects`);
          return;
        }
        host.up = false;
        this.trace.record(this.nowMs, host.label, host.label, 'crash', `executed=${host.executedHeight}`);
        return;
      }
      case 'restart': {
        const host = this.hosts[e.host];
        if (host.tornCrashAfter !== null) {
          // Armed but no step came before the restart time: it dies now instead.
          host.tornCrashAfter = null;
          host.up = false;
        }
        if (host.up) return;
        host.up = true;
        host.incarnation++;
        host.core = this.makeCore(host.id, host.recovered());
        this.trace.record(this.nowMs, host.label, host.label, 'restart', `voted=${host.durable.safety?.highestVotedView ?? 0} executed=${host.executedHeight}`);
        host.handle({ type: 'start' }, this.nowMs);
        return;
      }
    }
  }

  /**
   * Submits a command the way the SDK does (node/sdk/client.ts): to one replica, the next one on
   * each retry; that replica's core forwards it to the leaders. Every replica that executes it
   * answers, and the client waits for f+1 matching answers.
   */
  private submitRequest(client: number, seq: number, bytes: Uint8Array, attempt: number): void {
    const command: Command = { client: this.clients[client].principal, seq, bytes };
    const target = (client + attempt) % this.options.nodes;
    for (const h of this.hostsOf[target]) {
      // A client reaches one of the Twins only, so their mempools — and so their blocks for the
      // same view — differ: the two sides are shown two different proposals.
      const host = this.hosts[h];
      if (host.id === this.twinId && host.twin !== client % 2) continue;
      const copies = this.network.routeInto(this.options.nodes + client, target, this.nowMs, this.delays);
      for (let i = 0; i < copies; i++) this.queue.push(this.nowMs + this.delays[i], { k: 'request', host: h, client, command });
    }
  }
}
