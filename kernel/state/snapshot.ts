// Snapshot bytes: "KNHKSNAP", u32 format version, u32 entry count, then per entry in sorted key order
// u32 key length, key UTF-8, u32 value length, canonical value; then H(snapshot, everything before).
// Not one canonical object: a large state would exceed the canonical decoder's size limit.
import { bytesEqual, concatByteList, concatBytes, utf8 } from '../../crypto/bytes.js';
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { Tag, hashTagged } from '../../crypto/hash.js';
import { Store } from './store.js';

const MAGIC = utf8('KNHKSNAP');
const FORMAT = 1;

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export function encodeSnapshot(store: Store): Uint8Array {
  const e = new SnapshotEncoder(store);
  e.encode(Infinity);
  return e.bytes();
}

/**
 * The same bytes as encodeSnapshot, produced a slice at a time: encoding a large state takes
 * hundreds of milliseconds (~5 µs per key), which a replica must not spend in one event-loop turn.
 * The entries are captured at construction (sorted keys and their values; values are immutable),
 * so blocks applied while the encoding is under way do not change what it encodes.
 */
export class SnapshotEncoder {
  private readonly keys: string[];
  private readonly values: Array<CanonicalValue | undefined>;
  private readonly parts: Uint8Array[];
  private next = 0;

  constructor(store: Store) {
    this.keys = store.sortedKeys();
    this.values = this.keys.map((k) => store.get(k));
    this.parts = [MAGIC, u32(FORMAT), u32(this.keys.length)];
  }

  /** Entries in the state captured. */
  get size(): number {
    return this.keys.length;
  }

  get done(): boolean {
    return this.next >= this.keys.length;
  }

  /** Encodes up to `maxEntries` more entries; returns true when every entry is encoded. */
  encode(maxEntries: number): boolean {
    const end = Math.min(this.keys.length, this.next + maxEntries);
    for (let i = this.next; i < end; i++) {
      const kb = utf8(this.keys[i]);
      const vb = canonicalEncode(this.values[i] ?? null);
      this.parts.push(u32(kb.length), kb, u32(vb.length), vb);
    }
    this.next = end;
    return this.done;
  }

  /** The snapshot bytes (checksum included). Throws if entries remain to be encoded. */
  bytes(): Uint8Array {
    if (!this.done) throw new Error(`SnapshotEncoder.bytes: ${this.keys.length - this.next} entries not encoded yet`);
    const body = concatByteList(this.parts);
    return concatBytes(body, hashTagged(Tag.snapshot, body));
  }
}

export function decodeSnapshot(bytes: Uint8Array): Store {
  if (!(bytes instanceof Uint8Array) || bytes.length < MAGIC.length + 8 + 32) throw new SnapshotError('snapshot is too short');
  const body = bytes.subarray(0, bytes.length - 32);
  if (!bytesEqual(hashTagged(Tag.snapshot, body), bytes.subarray(bytes.length - 32))) throw new SnapshotError('snapshot checksum mismatch (corrupt or truncated)');
  if (!bytesEqual(body.subarray(0, MAGIC.length), MAGIC)) throw new SnapshotError('not a knhk kernel snapshot');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = MAGIC.length;
  const read32 = () => {
    if (at + 4 > body.length) throw new SnapshotError('snapshot truncated');
    const v = view.getUint32(at);
    at += 4;
    return v;
  };
  const take = (n: number) => {
    if (at + n > body.length) throw new SnapshotError('snapshot truncated');
    const s = body.subarray(at, at + n);
    at += n;
    return s;
  };
  if (read32() !== FORMAT) throw new SnapshotError('unsupported snapshot format');
  const count = read32();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const store = Store.empty();
  let prev: string | null = null;
  for (let i = 0; i < count; i++) {
    let key: string;
    try {
      key = decoder.decode(take(read32()));
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError('snapshot key is not UTF-8');
    }
    if (prev !== null && !(prev < key)) throw new SnapshotError('snapshot keys are not strictly sorted');
    prev = key;
    try {
      store.set(key, canonicalDecode(take(read32())));
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError(`snapshot value of ${key} is not canonical: ${(e as Error).message}`);
    }
  }
  if (at !== body.length) throw new SnapshotError('trailing bytes after the last snapshot entry');
  return store;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

