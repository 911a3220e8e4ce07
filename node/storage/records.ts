// Byte encodings of what a replica stores. Blocks reuse the wire format (sync.proto
// CommittedBlock) so a stored block can be served to a peer as-is; the rest uses the project's
// canonical encoding. Decoders check every field: a corrupt database is reported, not trusted.
import type { QuorumCert, SafetyState, TimeoutCert } from '../../consensus/types.js';
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import type { WireLimits } from '../proto/consensus-codec.js';
import { blockIn, blockOut, qcIn, qcOut } from '../proto/consensus-codec.js';
import { CommittedBlockType } from '../proto/schema.js';
import type { CommittedBlock } from '../proto/sync-codec.js';

export class StoreCorruptError extends Error {
  constructor(what: string, detail: string) {
    super(`replica database: corrupt ${what}: ${detail}`);
    this.name = 'StoreCorruptError';
  }
}

/**
 * The data format of a replica database: what the kernel's state roots, receipt bytes and receipt
 * hashes look like. Re-executing blocks of another format gives other roots, so a database of
 * another format is refused at open with this error instead of failing later as "corrupt chain".
 * Format 1 (no marker): before 2026-11-23. Format 2: grouped state root, receipt chain link = leaf hash, m/tip.
 */
export const DATA_FORMAT = 2;

export class StoreFormatError extends Error {
  constructor(dir: string, found: number | null) {
    super(
      `replica database ${dir} holds data format ${found ?? '(unreadable marker)'}; this knhk reads format ${DATA_FORMAT} (state roots and receipt hashes differ). ` +
        'Remove the database folder to rebuild this replica from its peers, or create a new testnet for a new cluster.',
    );
    this.name = 'StoreFormatError';
  }
}

/**
 * A read below this replica's retention low-water mark (node/storage/pruner.ts deleted it). The
 * message says what is gone and why; `lowWaterMark` is the lowest height still kept.
 */
export class PrunedError extends Error {
  constructor(
    message: string,
    readonly lowWaterMark: number,
  ) {
    super(message);
    this.name = 'PrunedError';
  }
}

type Obj = { [k: string]: CanonicalValue };

function field<T extends CanonicalValue>(o: Obj, k: string, what: string, check: (v: CanonicalValue) => boolean): T {
  const v = o[k];
  if (v === undefined || !check(v)) throw new StoreCorruptError(what, `field ${k}`);
  return v as T;
}
const isNum = (v: CanonicalValue) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBytes = (v: CanonicalValue) => v instanceof Uint8Array;
const isArr = (v: CanonicalValue) => Array.isArray(v);

function asObj(bytes: Uint8Array, what: string): Obj {
  let v: CanonicalValue;
  try {
    v = canonicalDecode(bytes);
  } catch (e) {
    throw new StoreCorruptError(what, (e as Error).message);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw new StoreCorruptError(what, 'not an object');
  return v as Obj;
}

// ---- QC and safety state ----

function qcValue(qc: QuorumCert): Obj {
  return { view: qc.view, height: qc.height, blockHash: qc.blockHash, votes: qc.votes.map((v) => ({ voter: v.voter, signature: v.signature })) };
}

function qcFrom(o: Obj, what: string): QuorumCert {
  const votes = field<CanonicalValue[]>(o, 'votes', what, isArr).map((v) => {
    const x = v as Obj;
    return { voter: field<number>(x, 'voter', what, isNum), signature: field<Uint8Array>(x, 'signature', what, isBytes) };
  });
  return { view: field(o, 'view', what, isNum), height: field(o, 'height', what, isNum), blockHash: field(o, 'blockHash', what, isBytes), votes };
}

function tcValue(tc: TimeoutCert): Obj {
  return { view: tc.view, timeouts: tc.timeouts.map((t) => ({ voter: t.voter, highQcView: t.highQcView, signature: t.signature })) };
}

function tcFrom(o: Obj, what: string): TimeoutCert {
  const timeouts = field<CanonicalValue[]>(o, 'timeouts', what, isArr).map((t) => {
    const x = asPlainObj(t, what, 'lastTc.timeouts');
    return { voter: field<number>(x, 'voter', what, isNum), highQcView: field<number>(x, 'highQcView', what, isNum), signature: field<Uint8Array>(x, 'signature', what, isBytes) };
  });
  return { view: field(o, 'view', what, isNum), timeouts };
}

function asPlainObj(v: CanonicalValue | undefined, what: string, name: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw new StoreCorruptError(what, name);
  return v as Obj;
}

/** `lastTc` is stored when present (null and absent both mean none); states written without it still decode. */
export function encodeSafety(s: SafetyState): Uint8Array {
  const o: Obj = { highestVotedView: s.highestVotedView, lockedView: s.lockedView, highQc: qcValue(s.highQc) };
  if (s.lastTc != null) o.lastTc = tcValue(s.lastTc);
  return canonicalEncode(o);
}

export function decodeSafety(bytes: Uint8Array): SafetyState {
  const o = asObj(bytes, 'safety state');
  const s: SafetyState = {
    highestVotedView: field(o, 'highestVotedView', 'safety state', isNum),
    lockedView: field(o, 'lockedView', 'safety state', isNum),
    highQc: qcFrom(asPlainObj(o.highQc, 'safety state', 'highQc'), 'safety state'),
  };
  if (o.lastTc !== undefined && o.lastTc !== null) s.lastTc = tcFrom(asPlainObj(o.lastTc, 'safety state', 'lastTc'), 'safety state');
  return s;
}

// ---- committed blocks (wire format) ----

/** Generous bounds for reading our own database back (it was checked when written). */
export const STORED_LIMITS: WireLimits = { n: 1000, maxCommands: 1_000_000, maxCommandBytes: 16 * 1024 * 1024, maxSyncBlocks: 1 };

export function encodeCommittedBlock(c: CommittedBlock): Uint8Array {
  return CommittedBlockType.encode({ block: blockOut(c.block), qc: qcOut(c.qc) }).finish();
}

export function decodeCommittedBlock(bytes: Uint8Array, limits: WireLimits = STORED_LIMITS): CommittedBlock {
  try {
    const o = CommittedBlockType.decode(bytes) as unknown as Record<string, unknown>;
    return { block: blockIn(o.block, 'block', limits), qc: qcIn(o.qc, 'qc', limits) };
  } catch (e) {
    throw new StoreCorruptError('block', (e as Error).message);
  }
}

// ---- execution results ----

export interface ExecutionRecord {
  height: number;
  blockHash: Uint8Array;
  stateRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  /** encodeReceipt bytes, the leaves of receiptsRoot, in block order. */
  receiptBytes: Uint8Array[];
}

export function encodeExecution(e: ExecutionRecord): Uint8Array {
  return canonicalEncode({ height: e.height, blockHash: e.blockHash, stateRoot: e.stateRoot, receiptsRoot: e.receiptsRoot, receipts: e.receiptBytes });
}

export function decodeExecution(bytes: Uint8Array): ExecutionRecord {
  const o = asObj(bytes, 'execution record');
  const receipts = field<CanonicalValue[]>(o, 'receipts', 'execution record', isArr);
  if (!receipts.every(isBytes)) throw new StoreCorruptError('execution record', 'receipts');
  return {
    height: field(o, 'height', 'execution record', isNum),
    blockHash: field(o, 'blockHash', 'execution record', isBytes),
    stateRoot: field(o, 'stateRoot', 'execution record', isBytes),
    receiptsRoot: field(o, 'receiptsRoot', 'execution record', isBytes),
    receiptBytes: receipts as Uint8Array[],
  };
}

// ---- snapshots ----

export interface SnapshotRecord {
  /** The committed block whose execution produced this state, with its commit certificate. */
  at: CommittedBlock;
  stateRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  /** kernel snapshotState bytes. */
  state: Uint8Array;
}

export function encodeSnapshot(s: SnapshotRecord): Uint8Array {
  return canonicalEncode({ at: encodeCommittedBlock(s.at), stateRoot: s.stateRoot, receiptsRoot: s.receiptsRoot, state: s.state });
}

export function decodeSnapshot(bytes: Uint8Array): SnapshotRecord {
  const o = asObj(bytes, 'snapshot');
  return {
    at: decodeCommittedBlock(field(o, 'at', 'snapshot', isBytes)),
    stateRoot: field(o, 'stateRoot', 'snapshot', isBytes),
    receiptsRoot: field(o, 'receiptsRoot', 'snapshot', isBytes),
    state: field(o, 'state', 'snapshot', isBytes),
  };
}


// ---- command index ----

export function encodeCommandLocation(height: number, index: number): Uint8Array {
  return canonicalEncode({ height, index });
}

export function decodeCommandLocation(bytes: Uint8Array): { height: number; index: number } {
  const o = asObj(bytes, 'command index');
  return { height: field(o, 'height', 'command index', isNum), index: field(o, 'index', 'command index', isNum) };
}

// ---- pruned commands (retention) ----

/**
 * Per client: the highest seq whose index entry the pruner deleted, and the height it was ordered
 * at. A (client, seq) at or below it is never executed again (the kernel's per-client seq only
 * grows), so a replay is refused with PrunedError instead of being ordered a second time.
 */
export interface PrunedCommands {
  seq: number;
  height: number;
}

export function encodePrunedCommands(p: PrunedCommands): Uint8Array {
  return canonicalEncode({ seq: p.seq, height: p.height });
}

export function decodePrunedCommands(bytes: Uint8Array): PrunedCommands {
  const o = asObj(bytes, 'pruned commands');
  return { seq: field(o, 'seq', 'pruned commands', isNum), height: field(o, 'height', 'pruned commands', isNum) };
}
