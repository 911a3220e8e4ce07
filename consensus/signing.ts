// The fixed-layout bytes every consensus signature covers, built in this one place. Each layout is
// tag || 0x00 || big-endian u64 fields || hash, so a vote can never be replayed as a timeout or a
// proposal, and no encoding of a whole message is needed to sign or check it.
import { tagPrefix, Tag } from '../crypto/hash.js';
import type { Hash, View, Height } from './types.js';

function u64(out: Uint8Array, offset: number, value: number): void {
  // Views and heights are safe integers (< 2^53): big-endian, as two 32-bit halves written byte by
  // byte (a DataView per call cost more than the rest of building the bytes).
  const hi = Math.floor(value / 0x1_0000_0000) >>> 0;
  const lo = value >>> 0;
  out[offset] = hi >>> 24;
  out[offset + 1] = hi >>> 16;
  out[offset + 2] = hi >>> 8;
  out[offset + 3] = hi;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = lo >>> 16;
  out[offset + 6] = lo >>> 8;
  out[offset + 7] = lo;
}

/** tag || 0x00 || a (u64) || b (u64, when `count` is 2) || hash (when given). */
function layout(tag: string, count: 1 | 2, a: number, b: number, hash: Hash | null): Uint8Array {
  const prefix = tagPrefix(tag);
  const out = new Uint8Array(prefix.length + count * 8 + (hash === null ? 0 : hash.length));
  out.set(prefix, 0);
  let at = prefix.length;
  u64(out, at, a);
  at += 8;
  if (count === 2) {
    u64(out, at, b);
    at += 8;
  }
  if (hash !== null) out.set(hash, at);
  return out;
}

/** Bytes a vote signs: (view, height, blockHash). */
export function voteBytes(view: View, height: Height, blockHash: Hash): Uint8Array {
  return layout(Tag.vote, 2, view, height, blockHash);
}

/** Bytes a timeout signs: (view, view of the sender's highest QC). */
export function timeoutBytes(view: View, highQcView: View): Uint8Array {
  return layout(Tag.timeout, 2, view, highQcView, null);
}

/** Bytes a proposer signs for its proposal: (view, blockHash). Two of these in one view = equivocation. */
export function proposalBytes(view: View, blockHash: Hash): Uint8Array {
  return layout(Tag.proposal, 1, view, 0, blockHash);
}
