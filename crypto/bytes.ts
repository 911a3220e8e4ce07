// Byte helpers shared by every layer. Hex is lowercase on output; input hex is checked strictly
// because key ids and hashes arrive from files and the network.

const HEX_DIGITS = '0123456789abcdef';
const HEX_RE = /^[0-9a-fA-F]*$/;
const encoder = new TextEncoder();

/** Lowercase hex of `b`. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const v = b[i];
    s += HEX_DIGITS[v >> 4] + HEX_DIGITS[v & 15];
  }
  return s;
}

/** Parses hex (either case). Throws `TypeError` on odd length or a non-hex character. */
export function fromHex(s: string): Uint8Array {
  if (typeof s !== 'string') throw new TypeError('fromHex: expected a string');
  if (s.length % 2 !== 0) throw new TypeError(`fromHex: odd length ${s.length}`);
  if (!HEX_RE.test(s)) throw new TypeError('fromHex: non-hex character');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** One new array holding all parts in order. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatByteList(parts);
}

/** concatBytes for a list of any length (a spread of a huge list would overflow the call stack). */
export function concatByteList(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Byte equality. Not constant-time: use only on public data (hashes, public keys, roots). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** UTF-8 bytes of `s`. Lone surrogates become U+FFFD (TextEncoder); canonicalEncode rejects them instead. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Lexicographic byte order (-1, 0, 1): the sort order of canonical object keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
