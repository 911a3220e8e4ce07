// Simulated clients. Each client has at most one operation outstanding, submits its signed command
// to one replica (the next one on each retry, as the SDK does: sim/cluster.ts routes it), retries
// with the same (client, seq) until it has f+1 matching replies
// (so up to f Byzantine replicas cannot make it accept a wrong result), and records every operation
// in the history. What the operations are is the workload's business (sim/workloads.ts).
import type { CanonicalValue } from '../crypto/canonical.js';
import type { KernelCommand, PrincipalEntry, Receipt } from '../kernel/api.js';
import type { History, RegisterValue } from './history.js';
import type { Prng } from './prng.js';

export interface ClientSealer {
  /** Signs a kernel command into envelope bytes (sim/crypto-scheme.ts). */
  seal(cmd: KernelCommand): Uint8Array;
}

export interface OpDraw {
  op: 'put' | 'get';
  key: string;
  value: RegisterValue;
  /** Kernel command type and fields. */
  type: string;
  fields: Record<string, CanonicalValue>;
}

/**
 * A workload seen as registers: every operation either writes one key (`put`) or observes one
 * (`get`), so one linearizability checker serves every workload (sim/workloads.ts).
 */
export interface Workload {
  name: string;
  /** Descriptor the kernel runs (parsed JSON). */
  descriptor: CanonicalValue;
  /** What every simulated client may do (its capability-registry entry in the genesis). */
  principal: PrincipalEntry;
  /** Draws the next operation of a client. */
  nextOp(prng: Prng, client: string, seq: number): OpDraw;
  /** The client-visible result of a receipt; a value starting with '!' means the op took no effect / observed nothing. */
  resultOf(receipt: Receipt): RegisterValue;
}

export interface PendingOp {
  seq: number;
  op: 'put' | 'get';
  bytes: Uint8Array;
  /** replica -> result key it reported (first reply per replica counts). */
  replies: Map<number, string>;
  invokeMs: number;
}

export class SimClient {
  private seq = 0;
  pending: PendingOp | null = null;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly principal: string,
    private readonly sealer: ClientSealer,
    private readonly prng: Prng,
    private readonly workload: Workload,
    private readonly history: History,
    /** Matching replies needed: f+1. */
    private readonly quorum: number,
  ) {}

  /** Starts the next operation (the caller has checked the op budget); returns the envelope to broadcast. */
  start(nowMs: number): PendingOp {
    if (this.pending) throw new Error(`client ${this.name} already has an operation outstanding`);
    const seq = ++this.seq;
    const op = this.workload.nextOp(this.prng, this.name, seq);
    const cmd: KernelCommand = { principal: this.principal, seq, type: op.type, fields: op.fields };
    const bytes = this.sealer.seal(cmd);
    this.history.invoke(this.name, seq, op.op, op.key, op.value, nowMs);
    this.pending = { seq, op: op.op, bytes, replies: new Map(), invokeMs: nowMs };
    return this.pending;
  }

  /**
   * A replica's reply. Completes the op when f+1 distinct replicas reported the same result;
   * returns true then. Replies for other seqs (late duplicates) are ignored.
   */
  onReply(replica: number, seq: number, result: RegisterValue, nowMs: number): boolean {
    const p = this.pending;
    if (!p || p.seq !== seq || p.replies.has(replica)) return false;
    const key = result === null ? 'null' : 's:' + result;
    p.replies.set(replica, key);
    let matching = 0;
    for (const v of p.replies.values()) if (v === key) matching++;
    if (matching < this.quorum) return false;
    this.history.complete(this.name, seq, nowMs, result);
    this.pending = null;
    return true;
  }
}
