// The run's checkers. Safety is checked on every commit as it happens (so a violation is reported
// at the virtual time it occurred, with the replica and height); liveness and linearizability are
// judged when the run ends.
//   agreement   no two honest replicas commit different blocks at one height
//   execution   honest replicas have identical state roots, receipts roots and receipt-chain heads at
//               every committed height
//   validity    every committed command was submitted by a client (same bytes)
//   order       each replica commits heights 1, 2, 3, ... without gaps or going back (a restarted
//               replica may re-commit a height only with the same block)
import { checkLinearizable, type LinearizabilityResult } from './linearizability.js';
import type { HistoryOp } from './history.js';

export interface CommitRecord {
  replica: number;
  height: number;
  atMs: number;
  blockHash: string;
  /** Identities and exact envelope contents (envelopeContent: latin1 of the bytes) of the block's commands, in block order. */
  commands: readonly { readonly client: string; readonly seq: number; readonly content: string }[];
  stateRoot: string;
  receiptsRoot: string;
  /** Hash of the last receipt in this replica's receipt chain after executing the block. */
  receiptChainHead: string;
}

export interface Violation {
  kind: 'agreement' | 'execution' | 'validity' | 'order';
  atMs: number;
  replica: number;
  height: number;
  detail: string;
}

/** At most this many violations are kept: the first ones tell the story. */
export const maxViolationsKept = 20;

export class SafetyChecker {
  readonly violations: Violation[] = [];
  violationCount = 0;
  private readonly firstAt = new Map<number, CommitRecord>();
  private readonly lastHeight = new Map<number, number>();
  /**
   * client -> seq -> the submitted envelope's exact content (latin1). By client, then seq: a
   * `${client}#${seq}` key cost a string to build and hash per submission and per check.
   */
  private readonly submitted = new Map<string, Map<number, string>>();
  /** Per first-at-height record: which of its commands passed the validity check against the submissions. */
  private readonly validInFirst = new WeakMap<CommitRecord, Uint8Array>();
  highestCommitted = 0;

  noteSubmitted(client: string, seq: number, content: string): void {
    let bySeq = this.submitted.get(client);
    if (bySeq === undefined) this.submitted.set(client, (bySeq = new Map()));
    bySeq.set(seq, content);
  }

  /** Called for every commit of an honest replica. */
  onCommit(rec: CommitRecord): void {
    const last = this.lastHeight.get(rec.replica) ?? 0;
    const first = this.firstAt.get(rec.height);
    if (rec.height !== last + 1 && !(rec.height <= last && first)) {
      this.report({ kind: 'order', atMs: rec.atMs, replica: rec.replica, height: rec.height, detail: `committed height ${rec.height} after ${last}` });
    }
    this.lastHeight.set(rec.replica, Math.max(last, rec.height));
    if (!first) {
      this.firstAt.set(rec.height, rec);
      this.highestCommitted = Math.max(this.highestCommitted, rec.height);
    } else {
      if (first.blockHash !== rec.blockHash) {
        this.report({ kind: 'agreement', atMs: rec.atMs, replica: rec.replica, height: rec.height, detail: `block ${short(rec.blockHash)} but replica ${first.replica} committed ${short(first.blockHash)}` });
      } else if (first.stateRoot !== rec.stateRoot || first.receiptsRoot !== rec.receiptsRoot || first.receiptChainHead !== rec.receiptChainHead) {
        this.report({ kind: 'execution', atMs: rec.atMs, replica: rec.replica, height: rec.height, detail: `roots state ${short(rec.stateRoot)}/receipts ${short(rec.receiptsRoot)}/chain ${short(rec.receiptChainHead)} differ from replica ${first.replica}'s ${short(first.stateRoot)}/${short(first.receiptsRoot)}/${short(first.receiptChainHead)}` });
      }
    }
    // Validity, O(1) per command and no string building for the common case: a command equal, entry
    // by entry (client, seq, content), to one of the first record at this height that passed the check
    // against the submissions passes for the same reason; anything else is checked directly.
    const firstValid = first !== undefined && first.blockHash === rec.blockHash ? this.validInFirst.get(first) : undefined;
    const flags = first === undefined ? new Uint8Array(rec.commands.length) : null;
    for (let i = 0; i < rec.commands.length; i++) {
      const c = rec.commands[i];
      if (firstValid !== undefined && i < firstValid.length && firstValid[i] === 1) {
        const f = first!.commands[i];
        if (f.content === c.content && f.client === c.client && f.seq === c.seq) continue;
      }
      const d = this.submitted.get(c.client)?.get(c.seq);
      if (d !== c.content) {
        this.report({ kind: 'validity', atMs: rec.atMs, replica: rec.replica, height: rec.height, detail: `command ${c.client}#${c.seq} ${d === undefined ? 'was never submitted' : 'differs from what its client submitted'}` });
      } else if (flags !== null) {
        flags[i] = 1;
      }
    }
    if (flags !== null) this.validInFirst.set(rec, flags);
  }

  /** Height -> first honest commit record (for reports and the committed-command count). */
  committed(): ReadonlyMap<number, CommitRecord> {
    return this.firstAt;
  }

  private report(v: Violation): void {
    this.violationCount++;
    if (this.violations.length < maxViolationsKept) this.violations.push(v);
  }
}

export interface LivenessReport {
  ok: boolean;
  /** Virtual time at which the last fault healed. */
  faultEndMs: number;
  boundMs: number;
  /** Virtual time of the last completed operation (0 if none). */
  lastCompleteMs: number;
  /** The slowest operation's time to complete, counted from max(its invocation, faultEndMs). */
  maxRecoveryMs: number;
  /** Virtual ms from faultEndMs to the first commit at or after it (null: none). */
  commitsResumedAfterMs: number | null;
  /** Operations that never completed. */
  pending: number;
  /** Operations the workload planned but never got to invoke. */
  notStarted: number;
  detail: string;
}

/**
 * After the last fault heals, every operation must complete within `boundMs` of virtual time,
 * counted from its invocation or from faultEndMs, whichever is later — so a long workload is judged
 * per operation, not by when its last operation happens to finish.
 */
export function checkLiveness(history: readonly HistoryOp[], planned: number, faultEndMs: number, boundMs: number, firstCommitAfterHealMs: number | null = null): LivenessReport {
  let lastCompleteMs = 0;
  let maxRecoveryMs = 0;
  let pending = 0;
  for (const op of history) {
    if (op.complete === null) {
      pending++;
      continue;
    }
    lastCompleteMs = Math.max(lastCompleteMs, op.complete);
    maxRecoveryMs = Math.max(maxRecoveryMs, op.complete - Math.max(op.invoke, faultEndMs));
  }
  const notStarted = planned - history.length;
  let detail = 'every operation completed within the bound after the faults healed';
  let ok = true;
  if (pending > 0 || notStarted > 0) {
    ok = false;
    detail = `${pending} operation(s) never completed, ${notStarted} never started`;
  } else if (maxRecoveryMs > boundMs) {
    ok = false;
    detail = `an operation took ${Math.round(maxRecoveryMs)} ms after the faults healed (bound ${boundMs} ms)`;
  }
  const commitsResumedAfterMs = firstCommitAfterHealMs === null ? null : Math.max(0, firstCommitAfterHealMs - faultEndMs);
  return { ok, faultEndMs, boundMs, lastCompleteMs, maxRecoveryMs: Math.round(maxRecoveryMs * 1000) / 1000, commitsResumedAfterMs, pending, notStarted, detail };
}

export function checkHistory(history: readonly HistoryOp[]): LinearizabilityResult {
  return checkLinearizable(history);
}

function short(hex: string): string {
  return hex.slice(0, 12);
}
