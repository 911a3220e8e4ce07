// Offline verification of a receipt bundle against the validator set of cluster.json: the check a
// client makes before it believes any replica, and what `knhk verify` runs years later.
//   1. the receipt bytes decode strictly and name the bundle's height;
//   2. the inclusion proof puts those bytes in the block's receipts root;
//   3. at least f+1 distinct validators hybrid-signed (Ed25519 + ML-DSA-65) the execution roots
//      (height, blockHash, receiptsRoot, stateRoot) — so at least one honest replica vouches;
//   4. when the previous receipt is given, this receipt's prevReceiptHash links to it.
import { bytesEqual, fromHex } from '../../crypto/bytes.js';
import type { HybridPublicKey } from '../../crypto/hybrid.js';
import { decodeReceipt, receiptHash, verifyReceipt, type Receipt } from '../../kernel/api.js';
import type { ClusterFile } from '../cluster/config.js';
import { verifySignedRoots } from '../replica/execution-roots.js';
import { signedRootsOf, type ReceiptBundle } from './bundle.js';

export type BundleVerdict = { ok: true; receipt: Receipt; signers: number[] } | { ok: false; reason: string };

/**
 * Remembers hybrid signatures already checked (an ML-DSA-65 verification costs ~3 ms): many
 * receipts of one block share the same signed roots. Bounded; it only saves time, never decides.
 */
export class SignatureCache {
  private readonly valid = new Set<string>();
  constructor(private readonly max = 4096) {}
  has(key: string): boolean {
    return this.valid.has(key);
  }
  add(key: string): void {
    if (this.valid.size >= this.max) this.valid.delete(this.valid.values().next().value as string);
    this.valid.add(key);
  }
}

const keysByCluster = new WeakMap<ClusterFile, HybridPublicKey[]>();

/** The validators' hybrid public keys, decoded once per cluster object. */
export function validatorKeys(cluster: ClusterFile): HybridPublicKey[] {
  let keys = keysByCluster.get(cluster);
  if (keys === undefined) {
    keys = cluster.validators.map((v) => ({ ed25519: fromHex(v.hybridPublicKey.ed25519), mldsa65: fromHex(v.hybridPublicKey.mldsa65) }));
    keysByCluster.set(cluster, keys);
  }
  return keys;
}

/** Never throws: every defect is `{ ok: false, reason }`. */
export function verifyReceiptBundle(bundle: ReceiptBundle, cluster: ClusterFile, cache?: SignatureCache): BundleVerdict {
  try {
    return check(bundle, cluster, cache);
  } catch (e) {
    return { ok: false, reason: `malformed bundle: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function check(bundle: ReceiptBundle, cluster: ClusterFile, cache?: SignatureCache): BundleVerdict {
  const r = bundle.record;
  let receipt: Receipt;
  try {
    receipt = decodeReceipt(r.receiptBytes);
  } catch (e) {
    return { ok: false, reason: `receipt does not decode: ${(e as Error).message}` };
  }
  if (receipt.height !== r.height) return { ok: false, reason: `receipt is for height ${receipt.height}, bundle says ${r.height}` };
  if (!verifyReceipt(r.receiptBytes, r.proof, r.receiptsRoot)) return { ok: false, reason: 'inclusion proof does not lead to the receipts root' };

  const need = cluster.f + 1;
  const keys = validatorKeys(cluster);
  const signers: number[] = [];
  const bad: number[] = [];
  for (const s of bundle.signatures) {
    if (signers.length >= need) break;
    if (!Number.isSafeInteger(s.replica) || s.replica < 0 || s.replica >= keys.length) {
      bad.push(s.replica);
      continue;
    }
    if (signers.includes(s.replica)) continue; // one vote per validator, however often it appears
    if (verifySignedRoots(keys[s.replica], signedRootsOf(r, s), cache)) signers.push(s.replica);
    else bad.push(s.replica);
  }
  if (signers.length < need) {
    const badNote = bad.length > 0 ? `; invalid signatures from replicas ${bad.join(', ')}` : '';
    return { ok: false, reason: `only ${signers.length} valid validator signatures over the execution roots, need f+1 = ${need}${badNote}` };
  }

  if (bundle.previousReceipt !== undefined) {
    let prev: Receipt;
    try {
      prev = decodeReceipt(bundle.previousReceipt);
    } catch (e) {
      return { ok: false, reason: `previous receipt does not decode: ${(e as Error).message}` };
    }
    if (!bytesEqual(receiptHash(bundle.previousReceipt), receipt.prevReceiptHash)) return { ok: false, reason: 'receipt chain broken: prevReceiptHash is not the hash of the previous receipt' };
    if (prev.index + 1 !== receipt.index) return { ok: false, reason: `receipt chain broken: previous receipt has index ${prev.index}, this one ${receipt.index}` };
  }
  return { ok: true, receipt, signers };
}
