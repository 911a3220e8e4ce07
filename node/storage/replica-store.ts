// One level database per replica: committed blocks with their certificates, execution records
// (receipts and roots), the (client, seq) -> receipt index, hybrid-signed roots and state
// snapshots; plus the consensus safety state in its own small file (safety-file.ts), fdatasync'ed
// before any vote leaves (persist-before-send) without waiting behind block writes.
//
// Level writes go through one queue so they land in the order they were issued (level runs
// operations concurrently on its thread pool). Commit batches are written without their own fsync
// and made durable by group commit: one synced marker write covers every batch before it (LevelDB
// appends every write to one log), and while a sync is in flight later commits wait for the next
// one. `saveCommit` resolves only once the commit is durable, so receipts are never acknowledged
// from volatile state.
import { mkdirSync } from 'node:fs';
import { Level } from 'level';
import { SafetyFile } from './safety-file.js';
import type { SafetyState } from '../../consensus/types.js';
import type { CommittedBlock } from '../proto/sync-codec.js';
import type { SignedRoots } from '../replica/services.js';
import {
  decodeCommandLocation,
  decodeCommittedBlock,
  decodeExecution,
  decodeSafety,
  decodeSignedRoots,
  decodeSnapshot,
  encodeCommandLocation,
  encodeCommittedBlock,
  encodeExecution,
  encodeSafety,
  encodeSignedRoots,
  encodeSnapshot,
  DATA_FORMAT,
  StoreCorruptError,
  StoreFormatError,
  type ExecutionRecord,
  type SnapshotRecord,
} from './records.js';

/** Heights as fixed-width hex so level's lexicographic order is numeric order. */
const h16 = (height: number) => height.toString(16).padStart(14, '0');
const KEY = {
  tip: 'meta:tip',
  snapshot: 'meta:snapshot',
  snapshotPrev: 'meta:snapshot-prev',
  syncMarker: 'meta:sync',
  format: 'meta:format',
  block: (height: number) => `block:${h16(height)}`,
  exec: (height: number) => `exec:${h16(height)}`,
  roots: (height: number) => `roots:${h16(height)}`,
  command: (client: string, seq: number) => `cmd:${client}:${h16(seq)}`,
};

/** Everything one commit writes, in one batch. */
export interface CommitWrite {
  committed: CommittedBlock;
  execution: ExecutionRecord;
  /** Receipt positions of the block's valid commands: (client, seq) -> index in receiptBytes. */
  commands: Array<{ client: string; seq: number; index: number }>;
}

export class ReplicaStore {
  private writeChain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Sequence numbers of writes issued, of the last synced write issued, and of the last one completed. */
  private writeSeq = 0;
  private syncIssuedSeq = 0;
  private syncedSeq = 0;
  private readonly durableWaiters: Array<{ seq: number; resolve: () => void; reject: (e: Error) => void }> = [];

  private syncInFlight = false;

  private constructor(
    private readonly db: Level<string, Uint8Array>,
    private readonly safetyFile: SafetyFile,
    readonly dir: string,
    /** Highest height whose commit batch has been written (and for which reads are served). */
    private tipHeight: number,
  ) {
    this.issuedTip = tipHeight;
  }

  /** Highest height whose commit batch has been issued (written or queued). */
  private issuedTip: number;

  static async open(dir: string): Promise<ReplicaStore> {
    mkdirSync(dir, { recursive: true });
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    let safetyFile: SafetyFile;
    try {
      await ReplicaStore.checkFormat(db, dir);
      safetyFile = await SafetyFile.open(dir);
    } catch (e) {
      await db.close();
      throw e;
    }
    const tipBytes = await db.get(KEY.tip);
    let tip = 0;
    if (tipBytes !== undefined) {
      const t = new DataView(tipBytes.buffer, tipBytes.byteOffset, tipBytes.byteLength);
      if (tipBytes.length !== 8) throw new StoreCorruptError('tip', 'length');
      tip = t.getUint32(0) * 0x1_0000_0000 + t.getUint32(4);
    }
    return new ReplicaStore(db, safetyFile, dir, tip);
  }

  /** Marks a new database with DATA_FORMAT; refuses one of another format (a database with a tip but no marker is format 1). */
  private static async checkFormat(db: Level<string, Uint8Array>, dir: string): Promise<void> {
    const marker = await db.get(KEY.format);
    if (marker === undefined) {
      if ((await db.get(KEY.tip)) !== undefined || (await db.get(KEY.snapshot)) !== undefined) throw new StoreFormatError(dir, 1);
      await db.put(KEY.format, Uint8Array.of(DATA_FORMAT), { sync: true });
      return;
    }
    if (marker.length !== 1 || marker[0] !== DATA_FORMAT) throw new StoreFormatError(dir, marker.length === 1 ? marker[0] : null);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Make every issued write durable before closing.
    if (this.syncIssuedSeq < this.writeSeq) await this.enqueue(() => this.db.put(KEY.syncMarker, new Uint8Array(0), { sync: true }), true).catch(() => undefined);
    this.closed = true;
    await this.writeChain.catch(() => undefined);
    await this.safetyFile.close();
    await this.db.close();
  }

  /** Highest committed-and-executed height stored (0 = only genesis). */
  get tip(): number {
    return this.tipHeight;
  }

  private enqueue(op: () => Promise<void>, synced = false): Promise<void> {
    const seq = ++this.writeSeq;
    if (synced) this.syncIssuedSeq = seq;
    const next = this.writeChain.then(op).then(() => {
      if (synced) this.markSynced(seq);
    });
    // A failed write must not poison later ones' ordering; its own caller sees the rejection.
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private markSynced(seq: number): void {
    this.syncedSeq = Math.max(this.syncedSeq, seq);
    for (let i = this.durableWaiters.length - 1; i >= 0; i--) {
      const w = this.durableWaiters[i];
      if (w.seq <= this.syncedSeq) {
        this.durableWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolves when write `seq` is covered by a completed synced write (group commit). */
  private durable(seq: number): Promise<void> {
    if (this.syncedSeq >= seq) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.durableWaiters.push({ seq, resolve, reject }));
    this.groupSync();
    return p;
  }

  /** One synced marker write at a time; when it lands, another if commits arrived meanwhile. */
  private groupSync(): void {
    if (this.syncInFlight || this.closed || this.durableWaiters.length === 0) return;
    if (this.syncIssuedSeq >= Math.max(...this.durableWaiters.map((w) => w.seq))) return;
    this.syncInFlight = true;
    this.settleSyncedWrite(this.enqueue(() => this.db.put(KEY.syncMarker, new Uint8Array(0), { sync: true }), true));
  }

  /** When the synced write in flight lands: the next group sync may start; if it failed, every durability waiter fails. */
  private settleSyncedWrite(written: Promise<void>): void {
    written.then(
      () => {
        this.syncInFlight = false;
        this.groupSync();
      },
      (e: Error) => {
        this.syncInFlight = false;
        for (const w of this.durableWaiters.splice(0)) w.reject(e);
      },
    );
  }

  // ---- safety ----

  /** Durable (fsync) before it resolves: the caller sends no vote until then. */
  saveSafety(s: SafetyState): Promise<void> {
    return this.safetyFile.write(encodeSafety(s));
  }

  /** The safety state as of the last completed saveSafety before this store was opened. */
  async loadSafety(): Promise<SafetyState | null> {
    const b = this.safetyFile.loaded;
    return b === null ? null : decodeSafety(b);
  }

  // ---- commits ----

  /** Writes a committed block, its execution and its command index in one batch; resolves once durable. */
  async saveCommit(w: CommitWrite): Promise<void> {
    const height = w.committed.block.height;
    const ops: Array<{ type: 'put'; key: string; value: Uint8Array }> = [
      { type: 'put', key: KEY.block(height), value: encodeCommittedBlock(w.committed) },
      { type: 'put', key: KEY.exec(height), value: encodeExecution(w.execution) },
      { type: 'put', key: KEY.tip, value: tipBytes(height) },
    ];
    for (const c of w.commands) ops.push({ type: 'put', key: KEY.command(c.client, c.seq), value: encodeCommandLocation(height, c.index) });
    if (height !== this.issuedTip + 1) throw new Error(`store: commit at height ${height} does not follow tip ${this.issuedTip}`);
    this.issuedTip = height;
    // With no synced write in flight, the block's own batch is the synced write (one fsync, one
    // thread-pool trip); otherwise it goes unsynced and the next group marker covers it.
    const syncNow = !this.syncInFlight && !this.closed;
    if (syncNow) this.syncInFlight = true;
    const written = this.enqueue(async () => {
      await this.db.batch(ops, { sync: syncNow });
      this.tipHeight = height;
    }, syncNow);
    const seq = this.writeSeq;
    if (syncNow) this.settleSyncedWrite(written);
    await written;
    await this.durable(seq);
  }

  async getCommitted(height: number): Promise<CommittedBlock | null> {
    const b = await this.db.get(KEY.block(height));
    return b === undefined ? null : decodeCommittedBlock(b);
  }

  async getCommittedBytes(height: number): Promise<Uint8Array | null> {
    return (await this.db.get(KEY.block(height))) ?? null;
  }

  async getExecution(height: number): Promise<ExecutionRecord | null> {
    const b = await this.db.get(KEY.exec(height));
    return b === undefined ? null : decodeExecution(b);
  }

  /** Where the first execution of (client, seq) put its receipt, if it was executed here. */
  async lookupCommand(client: string, seq: number): Promise<{ height: number; index: number } | null> {
    const b = await this.db.get(KEY.command(client, seq));
    return b === undefined ? null : decodeCommandLocation(b);
  }

  // ---- signed roots ----

  saveSignedRoots(s: SignedRoots): Promise<void> {
    const bytes = encodeSignedRoots(s);
    return this.enqueue(() => this.db.put(KEY.roots(s.height), bytes));
  }

  async getSignedRoots(height: number): Promise<SignedRoots | null> {
    const b = await this.db.get(KEY.roots(height));
    return b === undefined ? null : decodeSignedRoots(b);
  }

  // ---- snapshots ----

  /** Stores a snapshot; the previous one is kept too (see loadServableSnapshot). */
  saveSnapshot(s: SnapshotRecord): Promise<void> {
    const bytes = encodeSnapshot(s);
    return this.enqueue(async () => {
      const prev = await this.db.get(KEY.snapshot);
      const ops: Array<{ type: 'put'; key: string; value: Uint8Array }> = [{ type: 'put', key: KEY.snapshot, value: bytes }];
      if (prev !== undefined) ops.push({ type: 'put', key: KEY.snapshotPrev, value: prev });
      await this.db.batch(ops, { sync: true });
      this.knownSnapshotHeight = s.at.block.height;
    }, true);
  }

  async loadSnapshot(): Promise<SnapshotRecord | null> {
    const b = await this.db.get(KEY.snapshot);
    const s = b === undefined ? null : decodeSnapshot(b);
    this.knownSnapshotHeight = s?.at.block.height ?? 0;
    return s;
  }

  /**
   * Height of the newest stored snapshot (0: none). Peers ask for it every second in status polls;
   * decoding the whole kernel snapshot for that cost milliseconds per poll once the state grew.
   */
  async snapshotHeight(): Promise<number> {
    if (this.knownSnapshotHeight === null) await this.loadSnapshot();
    return this.knownSnapshotHeight ?? 0;
  }

  private knownSnapshotHeight: number | null = null;

  /** The newest stored snapshot with at least `blocksAfter` committed blocks stored after it. */
  async loadServableSnapshot(blocksAfter: number): Promise<SnapshotRecord | null> {
    for (const k of [KEY.snapshot, KEY.snapshotPrev]) {
      const b = await this.db.get(k);
      if (b === undefined) continue;
      const s = decodeSnapshot(b);
      if (s.at.block.height + blocksAfter <= this.tipHeight) return s;
    }
    return null;
  }

  /**
   * Installs a snapshot fetched from peers as the new base: the tip jumps to its height. Blocks
   * below it are not stored here (peers serve them; the receipts of those heights live elsewhere).
   */
  installSnapshot(s: SnapshotRecord, execution: ExecutionRecord): Promise<void> {
    const height = s.at.block.height;
    const ops = [
      { type: 'put' as const, key: KEY.snapshot, value: encodeSnapshot(s) },
      { type: 'put' as const, key: KEY.block(height), value: encodeCommittedBlock(s.at) },
      { type: 'put' as const, key: KEY.exec(height), value: encodeExecution(execution) },
      { type: 'put' as const, key: KEY.tip, value: tipBytes(height) },
    ];
    if (height <= this.issuedTip) return Promise.reject(new Error(`store: snapshot at ${height} is not ahead of tip ${this.issuedTip}`));
    this.issuedTip = height;
    return this.enqueue(async () => {
      await this.db.batch(ops, { sync: true });
      this.knownSnapshotHeight = height;
      this.tipHeight = height;
    }, true);
  }

  /** Waits until every write issued so far has landed. */
  flush(): Promise<void> {
    return this.writeChain;
  }
}

function tipBytes(height: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, Math.floor(height / 0x1_0000_0000));
  v.setUint32(4, height >>> 0);
  return b;
}
