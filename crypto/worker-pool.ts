// Hybrid signing and verification with the ML-DSA half on worker threads, so a ~10 ms lattice
// signature never stalls a replica's event loop. The Ed25519 half stays on the calling thread
// (node:crypto, ~0.1 ms) except the rare ZIP-215 fallback after OpenSSL rejects, which also moves
// to the worker. Verdicts equal `hybridVerify`'s: same signed bytes, same library calls.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ed25519Sign, ed25519VerifyNative } from './ed25519.js';
import {
  MLDSA65_SECRET_KEY_BYTES,
  hybridShapesValid,
  hybridSignedBytes,
  type HybridPublicKey,
  type HybridSecretKey,
  type HybridSignature,
} from './hybrid.js';

/** Raised for work on a closed pool, a full queue, or a worker failure. */
export class WorkerPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerPoolError';
  }
}

type Task =
  | { id: number; op: 'sign'; bytes: Uint8Array; secretKey: Uint8Array }
  | {
      id: number;
      op: 'verify';
      bytes: Uint8Array;
      ed25519Fallback: boolean;
      edPublicKey: Uint8Array;
      edSignature: Uint8Array;
      mlPublicKey: Uint8Array;
      mlSignature: Uint8Array;
    };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Whether this worker ever answered: one that dies before that is a start-up failure. */
  answered: boolean;
}

export interface PoolOptions {
  /** The worker script (tests substitute a failing one); default crypto/mldsa-worker.mjs. */
  workerUrl?: URL;
}

/** Workers that die before answering anything, in a row, after which the pool stops respawning. */
const START_FAILURES_MAX = 3;

const WORKER_URL = new URL('./mldsa-worker.mjs', import.meta.url);
/** Tasks in flight across the pool beyond which new work is refused (a limit on everything). */
export const POOL_PENDING_MAX = 10_000;

export class HybridWorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private startFailures = 0;
  /** Set when workers keep dying at start-up (e.g. a missing dependency): every call then fails fast. */
  private broken: string | null = null;

  private constructor(
    private readonly size: number,
    private readonly workerUrl: URL,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** A pool of `size` workers (default: cores - 1, at least 1, at most 4). */
  static create(size?: number, options: PoolOptions = {}): HybridWorkerPool {
    const n = size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    if (!Number.isSafeInteger(n) || n < 1 || n > 64) throw new WorkerPoolError(`pool size must be 1..64, got ${n}`);
    return new HybridWorkerPool(n, options.workerUrl ?? WORKER_URL);
  }

  get workers(): number {
    return this.size;
  }

  /** Same signature as `hybridSign` (deterministic), with ML-DSA computed on a worker. */
  async sign(sk: HybridSecretKey, tag: string, message: Uint8Array): Promise<HybridSignature> {
    if (sk?.mldsa65?.length !== MLDSA65_SECRET_KEY_BYTES) throw new WorkerPoolError('hybrid secret key halves have the wrong lengths');
    const bytes = hybridSignedBytes(tag, message);
    const ed25519 = ed25519Sign(sk.ed25519, bytes);
    const mldsa65 = (await this.run({ id: 0, op: 'sign', bytes, secretKey: sk.mldsa65 })) as Uint8Array;
    return { ed25519, mldsa65: new Uint8Array(mldsa65) };
  }

  /** Same verdict as `hybridVerify`. Resolves `false` on any malformed input; rejects only if the pool is closed or overloaded. */
  async verify(pk: HybridPublicKey, tag: string, message: Uint8Array, sig: HybridSignature): Promise<boolean> {
    let bytes: Uint8Array;
    try {
      if (!hybridShapesValid(pk, sig) || !(message instanceof Uint8Array)) return false;
      bytes = hybridSignedBytes(tag, message);
    } catch {
      return false;
    }
    const ed25519Fallback = !ed25519VerifyNative(pk.ed25519, bytes, sig.ed25519);
    const value = await this.run({
      id: 0,
      op: 'verify',
      bytes,
      ed25519Fallback,
      edPublicKey: pk.ed25519,
      edSignature: sig.ed25519,
      mlPublicKey: pk.mldsa65,
      mlSignature: sig.mldsa65,
    });
    return value === true;
  }

  /** Stops every worker; pending work rejects with `WorkerPoolError`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) failAll(slot, new WorkerPoolError('worker pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run(task: Task): Promise<unknown> {
    if (this.closed) return Promise.reject(new WorkerPoolError('worker pool closed'));
    if (this.broken !== null) return Promise.reject(new WorkerPoolError(`worker pool broken: ${this.broken}`));
    let inFlight = 0;
    let slot = this.slots[0];
    for (const s of this.slots) {
      inFlight += s.pending.size;
      if (s.pending.size < slot.pending.size) slot = s;
    }
    if (inFlight >= POOL_PENDING_MAX) return Promise.reject(new WorkerPoolError(`worker pool overloaded (${inFlight} tasks in flight)`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // A worker keeps the process alive only while it has work: a forgotten close() must not hang
      // a CLI run, and an awaited task must not let the process exit under it.
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({ ...task, id });
    });
  }

  private spawn(): Slot {
    // No inherited execArgv: the worker is plain .mjs, and the parent's loader flags (tsx, the
    // libp2p polyfill as .ts) do not all work inside workers.
    const worker = new Worker(this.workerUrl, { execArgv: [] });
    const slot: Slot = { worker, pending: new Map(), answered: false };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      slot.answered = true;
      this.startFailures = 0;
      const p = slot.pending.get(reply.id);
      if (p === undefined) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new WorkerPoolError(`worker task failed: ${reply.error}`));
    });
    const replace = (why: string) => {
      failAll(slot, new WorkerPoolError(why));
      const i = this.slots.indexOf(slot);
      if (this.closed || i < 0) return;
      if (!slot.answered && ++this.startFailures >= START_FAILURES_MAX) {
        // Respawning a worker that cannot start would spin forever: give up and fail every call.
        this.broken = why;
        this.slots.splice(i, 1);
        for (const other of this.slots.splice(0)) {
          failAll(other, new WorkerPoolError(`worker pool broken: ${why}`));
          void other.worker.terminate();
        }
        return;
      }
      this.slots[i] = this.spawn();
    };
    worker.on('error', (e) => replace(`worker crashed: ${e.message}`));
    worker.on('exit', (code) => replace(`worker exited with code ${code}`));
    return slot;
  }
}

function failAll(slot: Slot, error: Error): void {
  const pending = [...slot.pending.values()];
  slot.pending.clear();
  for (const p of pending) p.reject(error);
}
