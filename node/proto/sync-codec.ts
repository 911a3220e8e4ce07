// SyncFrame bytes <-> plain values for the catch-up protocol (/knhk/sync/1.0.0). Decoding never
// throws and bounds every count and size; see sync.proto for what each frame means.
import type { Block, QuorumCert } from '../../consensus/types.js';
import { blockIn, blockOut, HASH_BYTES, qcIn, qcOut, type DecodeResult, type WireLimits } from './consensus-codec.js';
import { SyncFrameType } from './schema.js';
import { outNumber, WireDecodeError, wireArray, wireBytes, wireMessage, wireNumber, wireString } from './wire-values.js';

export interface CommittedBlock {
  block: Block;
  qc: QuorumCert;
}

export type SyncFrame =
  | { type: 'statusRequest' }
  | { type: 'statusResponse'; committedHeight: number; executedHeight: number; view: number; lowestBlockHeight: number; snapshotHeight: number }
  | { type: 'blocksRequest'; fromHeight: number; maxBlocks: number }
  | { type: 'blocksResponse'; blocks: CommittedBlock[] }
  | { type: 'snapshotRequest' }
  | { type: 'snapshotResponse'; at: CommittedBlock; stateRoot: Uint8Array; receiptsRoot: Uint8Array; snapshot: Uint8Array }
  | { type: 'error'; message: string };

export interface SyncLimits extends WireLimits {
  /** Largest kernel snapshot accepted. */
  maxSnapshotBytes: number;
}

const committedOut = (c: CommittedBlock) => ({ block: blockOut(c.block), qc: qcOut(c.qc) });

function frameOut(f: SyncFrame): Record<string, unknown> {
  switch (f.type) {
    case 'statusRequest':
      return { statusRequest: {} };
    case 'statusResponse':
      return {
        statusResponse: {
          committedHeight: outNumber(f.committedHeight, 'committedHeight'),
          executedHeight: outNumber(f.executedHeight, 'executedHeight'),
          view: outNumber(f.view, 'view'),
          lowestBlockHeight: outNumber(f.lowestBlockHeight, 'lowestBlockHeight'),
          snapshotHeight: outNumber(f.snapshotHeight, 'snapshotHeight'),
        },
      };
    case 'blocksRequest':
      return { blocksRequest: { fromHeight: outNumber(f.fromHeight, 'fromHeight'), maxBlocks: f.maxBlocks } };
    case 'blocksResponse':
      return { blocksResponse: { blocks: f.blocks.map(committedOut) } };
    case 'snapshotRequest':
      return { snapshotRequest: {} };
    case 'snapshotResponse':
      return { snapshotResponse: { at: committedOut(f.at), stateRoot: f.stateRoot, receiptsRoot: f.receiptsRoot, snapshot: f.snapshot } };
    case 'error':
      return { error: f.message };
  }
}

export function encodeSyncFrame(f: SyncFrame): Uint8Array {
  return SyncFrameType.encode(frameOut(f)).finish();
}

function committedIn(raw: unknown, field: string, lim: SyncLimits): CommittedBlock {
  const o = wireMessage(raw, field);
  return { block: blockIn(o.block, `${field}.block`, lim), qc: qcIn(o.qc, `${field}.qc`, lim) };
}

function frameIn(f: Record<string, unknown>, lim: SyncLimits): SyncFrame {
  switch (f.body) {
    case 'statusRequest':
      return { type: 'statusRequest' };
    case 'statusResponse': {
      const s = wireMessage(f.statusResponse, 'statusResponse');
      return {
        type: 'statusResponse',
        committedHeight: wireNumber(s.committedHeight ?? 0, 'committedHeight'),
        executedHeight: wireNumber(s.executedHeight ?? 0, 'executedHeight'),
        view: wireNumber(s.view ?? 0, 'view'),
        lowestBlockHeight: wireNumber(s.lowestBlockHeight ?? 0, 'lowestBlockHeight'),
        snapshotHeight: wireNumber(s.snapshotHeight ?? 0, 'snapshotHeight'),
      };
    }
    case 'blocksRequest': {
      const s = wireMessage(f.blocksRequest, 'blocksRequest');
      const maxBlocks = wireNumber(s.maxBlocks ?? 0, 'maxBlocks');
      if (maxBlocks < 1 || maxBlocks > lim.maxSyncBlocks) throw new WireDecodeError(`blocksRequest.maxBlocks ${maxBlocks} outside 1..${lim.maxSyncBlocks}`);
      return { type: 'blocksRequest', fromHeight: wireNumber(s.fromHeight ?? 0, 'fromHeight'), maxBlocks };
    }
    case 'blocksResponse': {
      const s = wireMessage(f.blocksResponse, 'blocksResponse');
      return { type: 'blocksResponse', blocks: wireArray(s.blocks, 'blocks', lim.maxSyncBlocks).map((b, i) => committedIn(b, `blocks[${i}]`, lim)) };
    }
    case 'snapshotRequest':
      return { type: 'snapshotRequest' };
    case 'snapshotResponse': {
      const s = wireMessage(f.snapshotResponse, 'snapshotResponse');
      return {
        type: 'snapshotResponse',
        at: committedIn(s.at, 'snapshotResponse.at', lim),
        stateRoot: wireBytes(s.stateRoot, 'stateRoot', HASH_BYTES, HASH_BYTES),
        receiptsRoot: wireBytes(s.receiptsRoot, 'receiptsRoot', HASH_BYTES, HASH_BYTES),
        snapshot: wireBytes(s.snapshot, 'snapshot', lim.maxSnapshotBytes),
      };
    }
    case 'error':
      return { type: 'error', message: wireString(f.error, 'error', 1000) };
    default:
      throw new WireDecodeError('sync frame has no known body');
  }
}

export function decodeSyncFrame(bytes: Uint8Array, lim: SyncLimits): DecodeResult<SyncFrame> {
  try {
    return { ok: true, value: frameIn(SyncFrameType.decode(bytes) as unknown as Record<string, unknown>, lim) };
  } catch (e) {
    if (e instanceof WireDecodeError) return { ok: false, reason: e.message };
    return { ok: false, reason: `malformed protobuf: ${(e as Error).message}` };
  }
}
