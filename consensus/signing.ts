// The fixed-layout bytes every consensus signature covers, built in this one place. Each layout is
// tag || 0x00 || big-endian u64 fields || hash, so a vote can never be replayed as a timeout or a
// proposal, and no encoding of a whole message is needed to sign or check it.
import { tagPrefix, Tag } from '../crypto/hash.js';
import type { Hash, View, Height } from './types.js';

function u64(out: Uint8Array, offset: number, value: number): void {
  // Views and heights are safe integers (< 2^53): split into two 32-bit halves.
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(offset, Math.floor(value / 0x1_0000_0000));
  view.setUint32(offset + 4, value >>> 0);
}

function layout(tag: string, numbers: number[], hash: Hash | null): Uint8Array {
  const prefix = tagPrefix(tag);
  const out = new Uint8Array(prefix.length + numbers.length * 8 + (hash === null ? 0 : hash.length));
  out.set(prefix, 0);
  let at = prefix.length;
  for (const n of numbers) {
    u64(out, at, n);
    at += 8;
  }
  if (hash !== null) out.set(hash, at);
  return out;
}

/** Bytes a vote signs: (view, height, blockHash). */
export function voteBytes(view: View, height: Height, blockHash: Hash): Uint8Array {
  return layout(Tag.vote, [view, height], blockHash);
}

/** Bytes a timeout signs: (view, view of the sender's highest QC). */
export function timeoutBytes(view: View, highQcView: View): Uint8Array {
  return layout(Tag.timeout, [view, highQcView], null);
}

/** Bytes a proposer signs for its proposal: (view, blockHash). Two of these in one view = equivocation. */
export function proposalBytes(view: View, blockHash: Hash): Uint8Array {
  return layout(Tag.proposal, [view], blockHash);
}
