// The chaos driver's load: SDK clients, each submitting puts one at a time (every command awaited;
// the SDK verifies receipt, inclusion proof and f+1 hybrid signatures before it resolves). Every
// acknowledged command is kept, with when it was submitted and acknowledged, for the checks.
import { join } from 'node:path';
import type { ReceiptRecord } from '../../node/replica/services.js';
import type { ClusterFile } from '../../node/cluster/config.js';
import type { ClientTransport } from '../../node/client/transport.js';
import { Client } from '../../node/sdk/client.js';
import { CommandRejectedError, SubmitTimeoutError, VerificationError } from '../../node/sdk/errors.js';

/** RootsUnavailableError's message, wrapped by the SDK in a VerificationError: too few answers, not a wrong one. */
const ROOTS_UNAVAILABLE = /: only \d+ of the f\+1 = \d+ signatures over the roots of height \d+/;

/** Answers inside such a message that are wrong rather than missing: those stay violations. */
const WRONG_ANSWER = /signed different roots|invalid signature|answered for another/;

export interface Ack {
  client: string;
  seq: number;
  key: string;
  value: string;
  record: ReceiptRecord;
  /** Milliseconds since the run started: when the submit began, and when it was acknowledged. */
  submittedAtMs: number;
  ackedAtMs: number;
}

export interface WorkloadErrors {
  /** No receipt after every attempt: expected while a quorum is down. */
  timeouts: number;
  /** A receipt came back but f+1 signed roots could not be collected in time (replicas down or frozen): expected under faults. */
  rootsUnavailable: number;
  /** Replicas refused a fresh, correctly signed command: never expected. */
  rejected: string[];
  /** A receipt that does not verify: never expected. */
  verification: string[];
  /** A put whose receipt result is not ok: never expected for kv puts. */
  notOk: string[];
  other: string[];
}

export class Workload {
  readonly acks: Ack[] = [];
  readonly errors: WorkloadErrors = { timeouts: 0, rootsUnavailable: 0, rejected: [], verification: [], notOk: [], other: [] };
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly clients: Client[] = [];

  constructor(
    cluster: ClusterFile,
    dir: string,
    transport: ClientTransport,
    count: number,
    private readonly tag: string,
    private readonly now: () => number,
  ) {
    const n = cluster.validators.length;
    for (let j = 0; j < count; j++) {
      // Client keys 4.. are plain agents (0-3 have governance roles). Short attempts, many retries:
      // a frozen replica costs one 2 s attempt, then the next replica is asked.
      const key = join(dir, 'clients', `client-${j + 4}.key.json`);
      this.clients.push(new Client({ cluster, key, transport, replica: j % n, timeoutMs: 2000, retries: 5 }));
    }
  }

  start(): void {
    this.loops = this.clients.map((c, j) => this.loop(c, j));
  }

  /** Stops submitting; resolves when every client's command in flight finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    for (const c of this.clients) await c.close().catch(() => {});
  }

  private async loop(c: Client, j: number): Promise<void> {
    for (let i = 0; !this.stopping; i++) {
      const key = `c${j}-k${i % 8}`;
      const value = `${this.tag}-c${j}-${i}`;
      const t0 = this.now();
      try {
        const r = await c.submit('put', { key, value });
        if (r.receipt.result !== 'ok') this.errors.notOk.push(`${c.id.slice(0, 8)}/${r.seq}: ${r.receipt.result} ${r.receipt.reason ?? ''}`);
        else this.acks.push({ client: c.id, seq: r.seq, key, value, record: r.bundle.record, submittedAtMs: t0, ackedAtMs: this.now() });
      } catch (e) {
        const msg = (e as Error).message;
        if (e instanceof SubmitTimeoutError) this.errors.timeouts++;
        else if (e instanceof CommandRejectedError) this.errors.rejected.push(msg);
        else if (e instanceof VerificationError && ROOTS_UNAVAILABLE.test(msg) && !WRONG_ANSWER.test(msg)) this.errors.rootsUnavailable++;
        else if (e instanceof VerificationError) this.errors.verification.push(msg);
        else this.errors.other.push(msg);
      }
    }
  }
}
