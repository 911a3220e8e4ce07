// Lower-case hex of bytes through Buffer's native encoder: the same text as crypto/bytes toHex,
// without its one concatenation per digit (every replica names four 32-byte roots per block).
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
