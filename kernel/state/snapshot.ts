// Snapshot bytes: "KNHKSNAP", u32 format version, u32 entry count, then per entry in sorted key order
// u32 key length, key UTF-8, u32 value length, canonical value; then H(snapshot, everything before).
// Not one canonical object: a large state would exceed the canonical decoder's size limit.
import { bytesEqual, concatByteList, concatBytes, utf8 } from '../../crypto/bytes.js';
import { canonicalDecode, canonicalEncode } from '../../crypto/canonical.js';
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
  const parts: Uint8Array[] = [MAGIC, u32(FORMAT)];
  const keys = store.sortedKeys();
  parts.push(u32(keys.length));
  for (const k of keys) {
    const kb = utf8(k);
    const vb = canonicalEncode(store.get(k) ?? null);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  const body = concatByteList(parts);
  return concatBytes(body, hashTagged(Tag.snapshot, body));
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

