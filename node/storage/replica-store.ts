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
//
// Retention (node/storage/pruner.ts decides when): `pruneStep` deletes the oldest heights' blocks,
// executions, signed roots and index entries in bounded batches, each batch together with the new
// low-water mark `meta:pruned-below` (one atomic level batch, in increasing height order), so a
// crash at any point leaves a database whose mark says exactly what is gone. Installing a peer's
// snapshot at height S (catch-up) raises the mark to S + 1 in the same batch: this replica holds no
// receipts or index entries below it (only the snapshot's own block and roots, as its base).
import { mkdirSync } from 'node:fs';
import { Level } from 'level';
import { SafetyFile } from './safety-file.js';
import type { SafetyState } from '../../consensus/types.js';
import type { CommittedBlock } from '../proto/sync-codec.js';
import {
  decodeCommandLocation,
  decodeCommittedBlock,
  decodeExecution,
  decodePrunedCommands,
  decodeSafety,
  decodeSnapshot,
  encodeCommandLocation,
  encodeCommittedBlock,
  encodeExecution,
  encodePrunedCommands,
  encodeSafety,
  encodeSnapshot,
  DATA_FORMAT,
  PrunedError,
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
  /**
   * Lowest height whose block, receipts and index entries are all kept: every height below it was
   * pruned or (below an installed snapshot) never stored here. Absent: nothing is missing.
   */
  prunedBelow: 'meta:pruned-below',
  block: (height: number) => `block:${h16(height)}`,
  exec: (height: number) => `exec:${h16(height)}`,
  /** Signed execution roots, written by replicas before batch signing (f45f36c); now only pruned. */
  roots: (height: number) => `roots:${h16(height)}`,
  command: (client: string, seq: number) => `cmd:${client}:${h16(seq)}`,
  prunedCommands: (client: string) => `cmdpruned:${client}`,
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
    /** Retention low-water mark: heights below it are pruned (0 and 1: nothing is). */
    private lowWater: number,
  ) {
    this.issuedTip = tipHeight;
  }

  /** Called after a snapshot write landed (the pruner listens: a new snapshot may allow pruning). */
  onSnapshotSaved: ((height: number) => void) | null = null;

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
    let tip: number;
    let lowWater: number;
    try {
      tip = heightFrom(await db.get(KEY.tip), 'tip');
      lowWater = heightFrom(await db.get(KEY.prunedBelow), 'pruned-below mark');
    } catch (e) {
      await safetyFile.close();
      await db.close();
      throw e;
    }
    return new ReplicaStore(db, safetyFile, dir, tip, lowWater);
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

  /** Low-water mark: every height below it is pruned or was never stored here (0 or 1: none is). */
  get prunedBelow(): number {
    return this.lowWater;
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

  /**
   * Throws PrunedError below the low-water mark (receipts asked for there are gone, not pending),
   * except at the tip: right after a snapshot install the tip is the snapshot's height, one below
   * the mark, and its roots (receipts: none) are what recovery and the consensus core resume from.
   */
  async getExecution(height: number): Promise<ExecutionRecord | null> {
    if (height !== this.tipHeight) this.refusePruned(height, 'receipts');
    const b = await this.db.get(KEY.exec(height));
    return b === undefined ? null : decodeExecution(b);
  }

  /**
   * Where the first execution of (client, seq) put its receipt, if it was executed here. Throws
   * PrunedError when the pruner deleted this client's index entries up to a seq at or above `seq`:
   * such a command is never executed again, and its receipt is gone from this replica.
   */
  async lookupCommand(client: string, seq: number): Promise<{ height: number; index: number } | null> {
    const b = await this.db.get(KEY.command(client, seq));
    if (b !== undefined) return decodeCommandLocation(b);
    if (this.lowWater <= 1) return null;
    const p = await this.db.get(KEY.prunedCommands(client));
    if (p === undefined) return null;
    const pruned = decodePrunedCommands(p);
    if (seq > pruned.seq) return null;
    // The exact height is known for the client's highest pruned seq; an older one was ordered no later.
    const height = seq === pruned.seq ? `height ${pruned.height}` : `height at most ${pruned.height}`;
    throw new PrunedError(
      `receipt pruned: ${height} is below this replica's retention low-water mark ${this.lowWater} (client ${client}, seq ${seq}); ` +
        'this (client, seq) is never executed again',
      this.lowWater,
    );
  }

  private refusePruned(height: number, what: string): void {
    if (height < this.lowWater) throw new PrunedError(`${what} pruned: height ${height} is below this replica's retention low-water mark ${this.lowWater}`, this.lowWater);
  }

  // ---- snapshots ----

  /** Stores a snapshot; the previous one is kept too (see loadServableSnapshot). */
  saveSnapshot(s: SnapshotRecord): Promise<void> {
    const bytes = encodeSnapshot(s);
    return this.enqueue(async () => {
      const prev = await this.db.get(KEY.snapshot);
      const ops: Array<{ type: 'put'; key: string; value: Uint8Array }> = [{ type: 'put', key: KEY.snapshot, value: bytes }];
      if (prev !== undefined) ops.push({ type: 'put', key: KEY.snapshotPrev, value: prev });
      // Heights of the two kept snapshots, for retention (prev decoded only if never learnt).
      const prevHeight = prev === undefined ? 0 : (this.knownSnapshotHeight ?? decodeSnapshot(prev).at.block.height);
      await this.db.batch(ops, { sync: true });
      this.knownSnapshotHeight = s.at.block.height;
      this.knownPrevSnapshotHeight = prevHeight;
    }, true).then(() => this.onSnapshotSaved?.(s.at.block.height));
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
  private knownPrevSnapshotHeight: number | null = null;

  /**
   * Height of the older of the two kept snapshots (the only one if there is one; 0: none). The
   * pruner keeps every block from it on: recovery restores the newer snapshot and replays the blocks
   * after it, and catch-up may serve either snapshot followed by the blocks after it.
   */
  async oldestSnapshotHeight(): Promise<number> {
    const newest = await this.snapshotHeight();
    if (this.knownPrevSnapshotHeight === null) {
      const b = await this.db.get(KEY.snapshotPrev);
      this.knownPrevSnapshotHeight = b === undefined ? 0 : decodeSnapshot(b).at.block.height;
    }
    const prev = this.knownPrevSnapshotHeight;
    return prev === 0 ? newest : Math.min(prev, newest);
  }

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
   * Installs a snapshot fetched from peers as the new base: the tip jumps to its height S, and the
   * low-water mark to S + 1 in the same batch. Below S nothing of the gap is stored here, and S
   * itself has its block and roots (the base; catch-up serving sends that block with the snapshot)
   * but neither receipts nor index entries: the receipts of those heights live on other replicas.
   * A previous snapshot (below the gap) is dropped: it is no base to serve or recover from any more.
   * Blocks this replica held from before the gap stay until the pruner deletes them (it starts from
   * the lowest stored block, not from the mark); reads of them are refused like pruned ones.
   */
  installSnapshot(s: SnapshotRecord, execution: ExecutionRecord): Promise<void> {
    const height = s.at.block.height;
    const ops = [
      { type: 'put' as const, key: KEY.snapshot, value: encodeSnapshot(s) },
      { type: 'del' as const, key: KEY.snapshotPrev },
      { type: 'put' as const, key: KEY.block(height), value: encodeCommittedBlock(s.at) },
      { type: 'put' as const, key: KEY.exec(height), value: encodeExecution(execution) },
      { type: 'put' as const, key: KEY.tip, value: tipBytes(height) },
    ];
    if (height <= this.issuedTip) return Promise.reject(new Error(`store: snapshot at ${height} is not ahead of tip ${this.issuedTip}`));
    this.issuedTip = height;
    return this.enqueue(async () => {
      // The mark only grows; it is above every earlier one, which is at most the old tip (< S).
      const mark = Math.max(this.lowWater, height + 1);
      await this.db.batch([...ops, { type: 'put' as const, key: KEY.prunedBelow, value: tipBytes(mark) }], { sync: true });
      this.knownSnapshotHeight = height;
      this.knownPrevSnapshotHeight = 0;
      this.tipHeight = height;
      this.lowWater = mark;
    }, true).then(() => this.onSnapshotSaved?.(height));
  }

  // ---- retention ----

  /**
   * Lowest height that may still hold a stored block: the low-water mark, or below it the blocks a
   * replica kept from before an installed snapshot's gap. null: not looked up since opening.
   */
  private pruneFrom: number | null = null;

  /**
   * Deletes the oldest stored heights, from the lowest stored block up to (not including) `below` —
   * at most `maxBlocks` heights, and no more once `maxCommands` commands are gathered (one block
   * always goes whole) — with their executions, signed roots and command index entries, and raises
   * the low-water mark (never lowers it), all in one atomic batch through the write queue. Returns
   * what was pruned, or null when nothing below `below` (capped at the tip) is left. `blocks`
   * counts the stored blocks deleted (a gap below an installed snapshot is skipped over in one
   * step). The caller keeps `below` at or under the older kept snapshot (pruner.ts), so recovery
   * and catch-up serving keep working.
   */
  async pruneStep(below: number, maxBlocks: number, maxCommands: number): Promise<{ from: number; to: number; blocks: number; commands: number } | null> {
    // Once per open: blocks left below the mark by a snapshot install (one seek; usually none).
    this.pruneFrom ??= this.lowWater <= 1 ? 1 : await this.nextStoredBlock(1, this.lowWater);
    const from = this.pruneFrom;
    const end = Math.min(below, this.tipHeight);
    if (from >= end || this.closed) return null;
    // Stored blocks never change, so they are read outside the queue. Heights below a snapshot
    // installed by catch-up were never stored here: such a gap is skipped in one seek.
    const commands: Array<{ client: string; seq: number }> = [];
    const heights: number[] = [];
    let to = from;
    while (to < end && heights.length < maxBlocks && (heights.length === 0 || commands.length < maxCommands)) {
      const b = await this.db.get(KEY.block(to));
      if (b === undefined) {
        to = await this.nextStoredBlock(to + 1, end);
        continue;
      }
      for (const c of decodeCommittedBlock(b).block.commands) commands.push({ client: c.client, seq: c.seq });
      heights.push(to++);
    }
    // Index entries are read inside the queue: a replay ordered again meanwhile rewrites its entry to
    // a newer height, which must stay.
    let deletedCommands = 0;
    await this.enqueue(async () => {
      const ops: Array<{ type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }> = [];
      const keys = commands.map((c) => KEY.command(c.client, c.seq));
      const locations = keys.length === 0 ? [] : await this.db.getMany(keys);
      const highest = new Map<string, { seq: number; height: number }>();
      for (let i = 0; i < keys.length; i++) {
        const b = locations[i];
        if (b === undefined) continue;
        const loc = decodeCommandLocation(b);
        if (loc.height >= to) continue;
        ops.push({ type: 'del', key: keys[i] });
        deletedCommands++;
        const { client, seq } = commands[i];
        const h = highest.get(client);
        if (h === undefined || seq > h.seq) highest.set(client, { seq, height: loc.height });
      }
      const clients = [...highest.keys()];
      const stored = clients.length === 0 ? [] : await this.db.getMany(clients.map(KEY.prunedCommands));
      clients.forEach((client, i) => {
        const was = stored[i] === undefined ? null : decodePrunedCommands(stored[i]!);
        const now = highest.get(client)!;
        if (was === null || now.seq > was.seq) ops.push({ type: 'put', key: KEY.prunedCommands(client), value: encodePrunedCommands(now) });
      });
      for (const h of heights) ops.push({ type: 'del', key: KEY.block(h) }, { type: 'del', key: KEY.exec(h) }, { type: 'del', key: KEY.roots(h) });
      // Leftovers below an installed snapshot's mark leave the mark where it is.
      const mark = Math.max(this.lowWater, to);
      if (ops.length > 0 || mark !== this.lowWater) {
        ops.push({ type: 'put', key: KEY.prunedBelow, value: tipBytes(mark) });
        // Unsynced: a later synced write (the next commit) makes it durable; LevelDB's log keeps
        // batches in order, so a crash loses whole batches from the end, never part of one.
        await this.db.batch(ops, { sync: false });
      }
      this.lowWater = mark;
      this.pruneFrom = to;
    });
    return { from, to, blocks: heights.length, commands: deletedCommands };
  }

  /** Lowest height in [from, end) with a stored block, or `end`. */
  private async nextStoredBlock(from: number, end: number): Promise<number> {
    for await (const k of this.db.keys({ gte: KEY.block(from), lt: KEY.block(end), limit: 1 })) return parseInt(k.slice('block:'.length), 16);
    return end;
  }

  /** Waits until every write issued so far has landed. */
  flush(): Promise<void> {
    return this.writeChain;
  }
}

/** A stored 8-byte big-endian height (tip, low-water mark); absent = 0. */
function heightFrom(b: Uint8Array | undefined, what: string): number {
  if (b === undefined) return 0;
  if (b.length !== 8) throw new StoreCorruptError(what, 'length');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return v.getUint32(0) * 0x1_0000_0000 + v.getUint32(4);
}

function tipBytes(height: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, Math.floor(height / 0x1_0000_0000));
  v.setUint32(4, height >>> 0);
  return b;
}
