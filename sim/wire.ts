// Wire mode: every consensus message crosses the simulated network as the bytes node/ would send —
// node/proto's encodeConsensusMessage at the sender, decodeConsensusMessage (bounded, never
// throwing) at the receivers. Byzantine garbage is what it is on a real wire: bytes that may not
// decode at all.
//
// Encode once, decode once: a message object is encoded once however many peers it goes to, and
// one bytes object is decoded once however many receivers (and duplicates) it reaches. Decoding is
// a pure function of the bytes, so every receiver would build an equal object; they share that one
// object instead, deep-frozen, so a core that tried to mutate its input would throw (a finding of
// the run) rather than leak state into another replica. (Typed arrays cannot be frozen; the
// mutation test in test/sim/wire.test.ts checks that no run changes a delivered byte.) Sharing
// decoded objects also lets per-bytes caches — client-envelope verdicts, envelope digests — hit
// across replicas, as they already do in --no-wire mode where receivers share the sender's object.
import type { Message } from '../consensus/types.js';
import { decodeConsensusMessage, encodeConsensusMessage, type WireLimits } from '../node/proto/consensus-codec.js';
import type { Prng } from './prng.js';
import { timeSplit } from './time-split.js';

export type WireVerdict = { ok: true; message: Message } | { ok: false; reason: string };

export class Wire {
  private readonly encoded = new WeakMap<object, Uint8Array>();
  private readonly decoded = new WeakMap<Uint8Array, WireVerdict>();
  /** Decodes actually run (cache misses): for tests and the benchmark. */
  decodes = 0;
  /**
   * When set (tests only), every decoded bytes object is recorded with a copy of its bytes and the
   * shared message, so a test can prove after a run that no receiver changed a delivered byte.
   */
  audit: { bytes: Uint8Array; copy: Uint8Array; message: Message }[] | null = null;

  constructor(
    private readonly limits: WireLimits,
    /** Draws the bytes a Byzantine sender puts on the wire when its message has no encoding. */
    private readonly prng: Prng,
  ) {}

  /** The bytes of `m`, encoded once per message object (a broadcast reuses them for every peer). */
  encode(m: Message): Uint8Array {
    if (m === null || typeof m !== 'object') return this.prng.bytes(this.prng.int(1, 64));
    let bytes = this.encoded.get(m);
    if (bytes === undefined) {
      const start = timeSplit.enabled ? performance.now() : 0;
      try {
        bytes = encodeConsensusMessage(m);
        if (timeSplit.enabled) timeSplit.codecMs += performance.now() - start;
      } catch {
        // Only a Byzantine wrapper builds messages that do not encode; on a wire they are just bytes.
        bytes = this.prng.bytes(this.prng.int(1, 64));
      }
      this.encoded.set(m, bytes);
    }
    return bytes;
  }

  /** The verdict on `bytes`, decoded once per bytes object; a decoded message is deep-frozen and shared. */
  decode(bytes: Uint8Array): WireVerdict {
    let v = this.decoded.get(bytes);
    if (v === undefined) {
      this.decodes++;
      const start = timeSplit.enabled ? performance.now() : 0;
      const r = decodeConsensusMessage(bytes, this.limits);
      if (timeSplit.enabled) timeSplit.codecMs += performance.now() - start;
      v = r.ok ? { ok: true, message: deepFreeze(r.value) } : { ok: false, reason: r.reason };
      if (this.audit !== null && r.ok) this.audit.push({ bytes, copy: bytes.slice(), message: r.value });
      this.decoded.set(bytes, v);
    }
    return v;
  }
}

/** Freezes plain objects and arrays recursively; typed arrays are left as they are (they cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  Object.freeze(value);
  // Index loops and for-in: no iterator objects (every decoded message passes through here).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) if (Object.hasOwn(record, key)) deepFreeze(record[key]);
  }
  return value;
}
