// Receipts: canonical bytes, hash (the chain link) and offline verification against a block's
// receipts Merkle root. The leaves of that root are the receipt bytes themselves, and a receipt's
// hash is its leaf hash in that tree: one hash per receipt is both the chain link and the leaf.
import { canonicalDecode, type CanonicalValue } from '../crypto/canonical.js';
import { merkleLeafHash, verifyMerkleProof, type MerkleProof } from '../crypto/merkle.js';
import type { Decision, Receipt, ReceiptResult, Risk } from './types.js';
import { DECISIONS, RESULTS, RISKS } from './vocabulary.js';
import { encodeReceiptBytes, RECEIPT_KEYS } from './receipt-encoding.js';


export class ReceiptDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReceiptDecodeError';
  }
}

/** Canonical bytes of a receipt (exactly its fields, whatever else the object carries). */
export function encodeReceipt(r: Receipt): Uint8Array {
  return encodeReceiptBytes(r);
}

/** Strict decoding of receipt bytes (clients verify receipts from untrusted replicas). */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  let v: CanonicalValue;
  try {
    v = canonicalDecode(bytes);
  } catch (e) {
    throw new ReceiptDecodeError(`receipt is not canonical: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new ReceiptDecodeError('receipt must be an object');
  const keys = Object.keys(v);
  if (keys.length !== RECEIPT_KEYS.length || RECEIPT_KEYS.some((k) => !(k in v))) throw new ReceiptDecodeError('receipt has the wrong set of fields');
  const o = v as Record<string, CanonicalValue>;
  const isInt = (x: CanonicalValue) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const isHash = (x: CanonicalValue) => x instanceof Uint8Array && x.length === 32;
  const bad = (k: string) => new ReceiptDecodeError(`receipt.${k} is malformed`);
  for (const k of ['index', 'height', 'seq', 'descriptorVersion', 'fuelUsed'] as const) if (!isInt(o[k])) throw bad(k);
  for (const k of ['commandDigest', 'descriptorHash', 'effectsDigest', 'prevReceiptHash'] as const) if (!isHash(o[k])) throw bad(k);
  if (typeof o.principal !== 'string') throw bad('principal');
  if (typeof o.type !== 'string') throw bad('type');
  if (!DECISIONS.includes(o.decision as Decision)) throw bad('decision');
  if (!RISKS.includes(o.risk as Risk)) throw bad('risk');
  if (!RESULTS.includes(o.result as ReceiptResult)) throw bad('result');
  if (o.ruleId !== null && typeof o.ruleId !== 'string') throw bad('ruleId');
  if (o.reason !== null && typeof o.reason !== 'string') throw bad('reason');
  return o as unknown as Receipt;
}

/**
 * The chain link: merkleLeafHash(receiptBytes) = H(Tag.merkleLeaf, receiptBytes), the same hash
 * as the receipt's leaf in its block's receipts tree (applyBatch computes it once for both).
 * Until 2026-11-23 the link was H(Tag.receipt, receiptBytes), a second hash of the same bytes.
 */
export function receiptHash(receiptBytes: Uint8Array): Uint8Array {
  return merkleLeafHash(receiptBytes);
}

/** True iff `receiptBytes` is leaf `proof.index` of the receipts tree with root `receiptsRoot`. Never throws. */
export function verifyReceipt(receiptBytes: Uint8Array, proof: MerkleProof, receiptsRoot: Uint8Array): boolean {
  return verifyMerkleProof(receiptsRoot, receiptBytes, proof);
}
