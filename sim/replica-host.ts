// One simulated replica process: the same loop node/ runs — take an input, `core.step(input)`,
// carry out the effects IN ORDER, feed completions (`executed`) back — with the outside world
// replaced by callbacks into the cluster. What survives a crash is exactly `durable`: the safety
// state as of the last `persist` effect, plus the committed chain and kernel state, which the driver
// writes atomically when it executes a block (node/ writes them in one synced batch). Everything
// else (the core's memory: mempool, pending blocks, collected votes; armed timers) dies with it.
import type { Block, Command, Effect, ExecutedRoots, Input, Message, QuorumCert, RecoveredState, ReplicaId, SafetyState } from '../consensus/types.js';
import { genesisQc } from '../consensus/block.js';
import { assertNever } from '../consensus/types.js';
import { applyBatch, type KernelCommand, type KernelState, type Receipt } from '../kernel/api.js';
import { hex } from './hex.js';
import type { Core } from './byzantine/core.js';
import { contentKey } from './content-memo.js';
import { timeSplit } from './time-split.js';
import type { OpenedCommand } from './envelope.js';
import type { CommitRecord } from './checkers.js';
import type { RegisterValue } from './history.js';

/** persist: persist-before-send broken; crash: the core threw or committed out of order; conflict: a core saw a conflicting commit. */
export type FindingKind = 'persist' | 'crash' | 'conflict';

export interface DurableStore {
  safety: SafetyState | null;
  committed: { block: Block; qc: QuorumCert } | null;
  executed: ExecutedRoots | undefined;
  kernel: KernelState;
  receiptChainHead: Uint8Array;
  /** The receipt index: answerKey(client index, seq) -> the result its client was sent (written with the block). */
  answers: Map<number, RegisterValue>;
}

/** How the host reaches the rest of the simulated world. */
export interface HostEnv {
  send(from: ReplicaHost, to: ReplicaId, message: Message): void;
  broadcast(from: ReplicaHost, message: Message): void;
  setTimer(host: ReplicaHost, view: number, durationMs: number): void;
  /** The host executed a committed block (honest hosts' records go to the safety checker); `opened`: the batch it executed. */
  committed(host: ReplicaHost, record: CommitRecord, receipts: Receipt[], opened: OpenedBatch): void;
  /** What every replica does to a block's commands before the kernel sees them (see openBatch). */
  openBatch(commands: readonly Command[]): OpenedBatch;
  /** A broken contract or a core that threw: a finding of the run. */
  finding(host: ReplicaHost, kind: FindingKind, detail: string): void;
  dropped(host: ReplicaHost, reason: string, detail?: string): void;
  /** The host died in mid-step, before carrying out an effect of type `nextEffect`. */
  tornCrash(host: ReplicaHost, nextEffect: string): void;
  reported(host: ReplicaHost, kind: string, detail: string): void;
}

const CHAIN_START = new Uint8Array(32);
/** Answers kept per replica: enough for every client's recent retries, bounded so long runs stay small. */
const maxAnswersKept = 100_000;

/**
 * The checkers' name for an envelope: its exact content as a latin1 string (contentKey). Validity
 * compares these byte for byte — as strict as comparing digests, and with no hash to compute (a
 * SHA-256 and a hex string per command before).
 */
export function envelopeContent(bytes: Uint8Array): string {
  return contentKey(bytes);
}


/** A block's commands as the kernel gets them, and the checkers' record of them. Frozen: shared by every replica executing the block. */
export interface OpenedBatch {
  batch: readonly KernelCommand[];
  commands: CommitRecord['commands'];
}

/**
 * Opens a block's commands: each envelope's client signature is checked and commands whose check
 * fails (only a Byzantine leader could have proposed them) are skipped. A pure function of the
 * commands' bytes, so the cluster computes it once per block object (sim/cluster.ts) and every
 * replica executing that block shares the frozen result.
 */
export function openBatch(commands: readonly Command[], openCommand: (bytes: Uint8Array, key: string) => OpenedCommand): OpenedBatch {
  const batch: KernelCommand[] = [];
  const records: { client: string; seq: number; content: string }[] = [];
  for (const c of commands) {
    if (!(c.bytes instanceof Uint8Array)) continue; // only a Byzantine leader's block; no valid envelope
    const key = contentKey(c.bytes);
    const opened = openCommand(c.bytes, key);
    if (!opened.ok || opened.client !== c.client || opened.seq !== c.seq) continue;
    batch.push(opened.kernelCommand);
    records.push(Object.freeze({ client: c.client, seq: c.seq, content: key }));
  }
  return { batch: Object.freeze(batch), commands: Object.freeze(records) };
}

/** The receipt index's key for (client index, seq): a number, so the per-receipt bookkeeping builds no strings. */
export function answerKey(client: number, seq: number, clients: number): number {
  return seq * clients + client;
}

/** A bound on inputs one delivery may cause (the `executed` feedback loop), as a guard against a runaway core. */
const maxInputsPerDelivery = 10_000;

export class ReplicaHost {
  up = true;
  /** Bumped on every restart so timers armed before a crash never fire into the new incarnation. */
  incarnation = 0;
  /** When set, the host dies after carrying out this many more effects (a crash in mid-step). */
  tornCrashAfter: number | null = null;
  /** Height of the last block this host executed (durable with the kernel state). */
  executedHeight = 0;

  constructor(
    /** Position in the cluster's host list (Twins make it differ from `id`). */
    readonly index: number,
    readonly id: ReplicaId,
    /** 0 normally; 1 for the second of a pair of Twins. */
    readonly twin: number,
    readonly honest: boolean,
    public core: Core,
    readonly durable: DurableStore,
    private readonly env: HostEnv,
  ) {}

  get label(): string {
    return this.twin === 0 ? `r${this.id}` : `r${this.id}'`;
  }

  /** What a restarted replica reads back from its durable store (undefined: nothing was ever written). */
  recovered(): RecoveredState | undefined {
    const d = this.durable;
    if (d.safety === null && d.committed === null) return undefined;
    const safety: SafetyState = d.safety ?? { highestVotedView: 0, lockedView: 0, highQc: d.committed?.qc ?? genesisQc() };
    return { safety, committed: d.committed, executed: d.executed };
  }

  /** Records the answer its client was sent, in the receipt index (bounded: oldest answers go first). */
  rememberAnswer(key: number, result: RegisterValue): void {
    const answers = this.durable.answers;
    answers.set(key, result);
    if (answers.size > maxAnswersKept) answers.delete(answers.keys().next().value as number);
  }

  static freshStore(kernel: KernelState): DurableStore {
    return { safety: null, committed: null, executed: undefined, kernel, receiptChainHead: CHAIN_START, answers: new Map() };
  }

  /** Inputs of the current handle() call (reused: handle is never re-entered, the env only queues events). */
  private readonly inputs: Input[] = [];

  /** Steps the core with `input` and carries out the effects, feeding `executed` back until quiet. */
  handle(input: Input, nowMs: number): void {
    if (!this.up) return;
    const queue = this.inputs;
    queue.length = 0;
    queue.push(input);
    for (let i = 0; i < queue.length; i++) {
      if (i >= maxInputsPerDelivery) throw new Error(`${this.label}: more than ${maxInputsPerDelivery} inputs from one delivery`);
      let effects: Effect[];
      const stepStart = timeSplit.enabled ? performance.now() : 0;
      try {
        effects = this.core.step(queue[i]);
        if (timeSplit.enabled) timeSplit.coreMs += performance.now() - stepStart;
      } catch (e) {
        this.env.finding(this, 'crash', `core threw on ${queue[i].type}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      for (const effect of effects) {
        if (this.tornCrashAfter !== null && this.tornCrashAfter-- <= 0) {
          // The process dies part-way through a step: the effects before this one happened (a
          // persist is on disk, some messages are out), the rest never will.
          this.tornCrashAfter = null;
          this.up = false;
          this.env.tornCrash(this, effect.type);
          return;
        }
        this.carryOut(effect, nowMs, queue);
      }
    }
  }

  private carryOut(e: Effect, nowMs: number, queue: Input[]): void {
    switch (e.type) {
      case 'persist':
        // Durable at once: the simulated disk never loses a completed persist.
        this.durable.safety = e.safety;
        return;
      case 'send':
        this.checkPersistedBefore(e.message);
        this.env.send(this, e.to, e.message);
        return;
      case 'broadcast':
        this.checkPersistedBefore(e.message);
        this.env.broadcast(this, e.message);
        return;
      case 'setTimer':
        this.env.setTimer(this, e.view, e.durationMs);
        return;
      case 'commit': {
        const executed = this.execute(e.block, e.qc, nowMs);
        if (executed) queue.push(executed);
        return;
      }
      case 'report':
        this.env.reported(this, e.kind, e.detail);
        return;
      case 'dropped':
        this.env.dropped(this, e.reason, e.detail);
        return;
      default:
        assertNever(e);
    }
  }

  /** Persist-before-send: a vote or timeout for view v may leave only once highestVotedView >= v is durable. */
  private checkPersistedBefore(m: Message): void {
    if (!this.honest) return; // Byzantine wrappers send what they like; the receivers must cope.
    const view = m.type === 'vote' ? m.vote.view : m.type === 'timeout' ? m.timeout.view : null;
    if (view === null) return;
    const durableView = this.durable.safety?.highestVotedView ?? -1;
    if (durableView < view) this.env.finding(this, 'persist', `${m.type} for view ${view} sent while the durable highestVotedView is ${durableView}`);
  }

  /**
   * Executes a committed block with the kernel. Commands whose envelope fails the client-signature
   * check (only a Byzantine leader could have proposed them) are skipped — deterministically, so
   * every honest replica skips the same ones.
   */
  private execute(block: Block, qc: QuorumCert, nowMs: number): Input | null {
    if (block.height <= this.executedHeight) return null; // re-commit after recovery: already durable
    if (block.height !== this.executedHeight + 1) {
      this.env.finding(this, 'crash', `commit of height ${block.height} after executing ${this.executedHeight}`);
    }
    const opened = this.env.openBatch(block.commands);
    const { batch, commands } = opened;
    // CPU time inside the kernel, for the benchmark's breakdown only: it never feeds back into the run.
    const kernelStart = timeSplit.enabled ? performance.now() : 0;
    // The batch is frozen and shared; applyBatch only reads it (a write would throw here, loudly).
    const r = applyBatch(this.durable.kernel, batch as KernelCommand[], { height: block.height });
    if (timeSplit.enabled) timeSplit.kernelMs += performance.now() - kernelStart;
    this.durable.kernel = r.state;
    // The kernel returns the chain head (hashing the last receipt again cost a SHA-256 per block).
    this.durable.receiptChainHead = r.receiptChainHead;
    const roots: ExecutedRoots = { height: block.height, blockHash: block.hash, stateRoot: r.stateRoot, receiptsRoot: r.receiptsRoot };
    this.durable.committed = { block, qc };
    this.durable.executed = roots;
    this.executedHeight = block.height;
    this.env.committed(
      this,
      {
        replica: this.id,
        height: block.height,
        atMs: nowMs,
        blockHash: hex(block.hash),
        commands,
        stateRoot: hex(r.stateRoot),
        receiptsRoot: hex(r.receiptsRoot),
        receiptChainHead: hex(this.durable.receiptChainHead),
      },
      r.receipts,
      opened,
    );
    return { type: 'executed', height: block.height, blockHash: block.hash, stateRoot: r.stateRoot, receiptsRoot: r.receiptsRoot };
  }
}
