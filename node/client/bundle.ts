// A receipt bundle: everything needed to verify one command's receipt offline, with no replica's
// help — the receipt bytes, its inclusion proof against the block's receipts root, and hybrid
// signatures of ≥ f+1 validators over that block's execution roots (optionally the previous
// receipt of the chain, to check the hash link). Its JSON form is what `knhk submit` writes and
// `knhk verify` reads.
import { fromHex, toHex } from '../../crypto/bytes.js';
import { decodeHybridSignature, encodeHybridSignature, type HybridSignature } from '../../crypto/hybrid.js';
import type { MerkleProof } from '../../crypto/merkle.js';
import type { ReceiptRecord, SignedRoots } from '../replica/services.js';

/** Written by this version. v2 adds each signature's batch proof; v1 bundles (single-height signatures) still verify. */
export const BUNDLE_FORMAT = 'knhk-receipt-bundle/v2';
const READABLE_FORMATS: readonly string[] = ['knhk-receipt-bundle/v1', BUNDLE_FORMAT];

export interface RootSignature {
  replica: number;
  signature: HybridSignature;
  /** The roots' place in the batch this signature covers (node/replica/execution-roots.ts); absent: signed alone. */
  batch?: MerkleProof;
}

export interface ReceiptBundle {
  record: ReceiptRecord;
  /** Signatures over the record's execution roots (alone, or in a batch: see RootSignature.batch). */
  signatures: RootSignature[];
  /** Bytes of the receipt just before this one in the chain, when the holder has them. */
  previousReceipt?: Uint8Array;
}

export class BundleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleFormatError';
  }
}

/** The SignedRoots a bundle's signature stands for (same roots, one replica). */
export function signedRootsOf(record: ReceiptRecord, s: RootSignature): SignedRoots {
  const out: SignedRoots = { replica: s.replica, height: record.height, blockHash: record.blockHash, receiptsRoot: record.receiptsRoot, stateRoot: record.stateRoot, signature: s.signature };
  if (s.batch !== undefined) out.batch = s.batch;
  return out;
}

export interface BundleJson {
  format: string;
  height: number;
  blockHash: string;
  index: number;
  receipt: string;
  proof: { index: number; size: number; path: string[] };
  receiptsRoot: string;
  stateRoot: string;
  signatures: { replica: number; signature: string; batch?: { index: number; size: number; path: string[] } }[];
  previousReceipt?: string;
  /** The decoded receipt, for humans; ignored by verification (which decodes `receipt`). */
  decoded?: unknown;
}

export function bundleToJson(b: ReceiptBundle, decoded?: unknown): BundleJson {
  const r = b.record;
  const out: BundleJson = {
    format: BUNDLE_FORMAT,
    height: r.height,
    blockHash: toHex(r.blockHash),
    index: r.index,
    receipt: toHex(r.receiptBytes),
    proof: { index: r.proof.index, size: r.proof.size, path: r.proof.path.map(toHex) },
    receiptsRoot: toHex(r.receiptsRoot),
    stateRoot: toHex(r.stateRoot),
    signatures: b.signatures.map((s) => ({
      replica: s.replica,
      signature: toHex(encodeHybridSignature(s.signature)),
      ...(s.batch === undefined ? {} : { batch: { index: s.batch.index, size: s.batch.size, path: s.batch.path.map(toHex) } }),
    })),
  };
  if (b.previousReceipt !== undefined) out.previousReceipt = toHex(b.previousReceipt);
  if (decoded !== undefined) out.decoded = decoded;
  return out;
}

/** Parses the JSON form; throws BundleFormatError naming the bad field. */
export function bundleFromJson(raw: unknown): ReceiptBundle {
  const o = obj(raw, 'bundle');
  if (typeof o.format !== 'string' || !READABLE_FORMATS.includes(o.format)) {
    throw new BundleFormatError(`bundle.format must be one of ${READABLE_FORMATS.map((f) => JSON.stringify(f)).join(', ')}, got ${JSON.stringify(o.format)}`);
  }
  const proof = obj(o.proof, 'proof');
  if (!Array.isArray(proof.path) || proof.path.length > 64) throw new BundleFormatError('proof.path must be an array of at most 64 hashes');
  if (!Array.isArray(o.signatures) || o.signatures.length > 1000) throw new BundleFormatError('signatures must be an array');
  const bundle: ReceiptBundle = {
    record: {
      height: int(o.height, 'height'),
      blockHash: hex(o.blockHash, 'blockHash', 32),
      index: int(o.index, 'index'),
      receiptBytes: hex(o.receipt, 'receipt'),
      proof: { index: int(proof.index, 'proof.index'), size: int(proof.size, 'proof.size'), path: proof.path.map((p, i) => hex(p, `proof.path[${i}]`, 32)) },
      receiptsRoot: hex(o.receiptsRoot, 'receiptsRoot', 32),
      stateRoot: hex(o.stateRoot, 'stateRoot', 32),
    },
    signatures: o.signatures.map((s, i) => {
      const so = obj(s, `signatures[${i}]`);
      try {
        const sig: RootSignature = { replica: int(so.replica, `signatures[${i}].replica`), signature: decodeHybridSignature(hex(so.signature, `signatures[${i}].signature`)) };
        if (so.batch !== undefined) {
          const b = obj(so.batch, `signatures[${i}].batch`);
          if (!Array.isArray(b.path) || b.path.length > 64) throw new BundleFormatError(`signatures[${i}].batch.path must be an array of at most 64 hashes`);
          sig.batch = {
            index: int(b.index, `signatures[${i}].batch.index`),
            size: int(b.size, `signatures[${i}].batch.size`),
            path: b.path.map((p, j) => hex(p, `signatures[${i}].batch.path[${j}]`, 32)),
          };
        }
        return sig;
      } catch (e) {
        if (e instanceof BundleFormatError) throw e;
        throw new BundleFormatError(`signatures[${i}].signature: ${(e as Error).message}`);
      }
    }),
  };
  if (o.previousReceipt !== undefined) bundle.previousReceipt = hex(o.previousReceipt, 'previousReceipt');
  return bundle;
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BundleFormatError(`${field} must be an object`);
  return v as Record<string, unknown>;
}

function int(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new BundleFormatError(`${field} must be a non-negative integer`);
  return v;
}

function hex(v: unknown, field: string, len?: number): Uint8Array {
  if (typeof v !== 'string') throw new BundleFormatError(`${field} must be a hex string`);
  let b: Uint8Array;
  try {
    b = fromHex(v);
  } catch (e) {
    throw new BundleFormatError(`${field}: ${(e as Error).message}`);
  }
  if (len !== undefined && b.length !== len) throw new BundleFormatError(`${field} must be ${len} bytes, got ${b.length}`);
  return b;
}
