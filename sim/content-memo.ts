// Memoisation of pure functions of a byte string, keyed by CONTENT, not by object identity.
//
// In wire mode one client envelope reaches the replicas as several Uint8Array objects with equal
// bytes (the client's own, the one decoded from a `forward`, the one decoded from the proposal), and
// since decoded messages are shared (sim/wire.ts) and blocks are opened once (sim/cluster.ts) each
// object is looked up about once: a per-object WeakMap would only add cost. So the key is the exact
// content — the bytes as a latin1 string: a bijection, no hashing, no collisions — and the function
// runs once per distinct content. Only for pure functions of the bytes: the cached answer is then
// the one every caller would have computed.
export class ContentMemo<V> {
  private byContent = new Map<string, V>();

  constructor(
    private readonly compute: (bytes: Uint8Array) => V,
    /** Entries kept before the memo starts over (bounds memory in long sweeps). */
    private readonly maxEntries = 1_000_000,
  ) {}

  /** `key` may be passed when the caller already has contentKey(bytes) (V8 then hashes the string once for several memos). */
  get(bytes: Uint8Array, key: string = contentKey(bytes)): V {
    let v = this.byContent.get(key);
    if (v === undefined) {
      v = this.compute(bytes);
      if (this.byContent.size >= this.maxEntries) this.byContent = new Map();
      this.byContent.set(key, v);
    }
    return v;
  }
}

/** The bytes as a latin1 string (one char per byte): an exact, hash-free content key. */
export function contentKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
