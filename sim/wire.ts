// Wire mode: every consensus message crosses the simulated network as the bytes node/ would send —
// node/proto's encodeConsensusMessage at the sender, decodeConsensusMessage (bounded, never
// throwing) at each receiver. Receivers then get their own decoded copy, exactly as in production,
// and Byzantine garbage is what it is on a real wire: bytes that may not decode at all.
import type { Message } from '../consensus/types.js';
import { decodeConsensusMessage, encodeConsensusMessage, type WireLimits } from '../node/proto/consensus-codec.js';
import type { Prng } from './prng.js';

export type WireVerdict = { ok: true; message: Message } | { ok: false; reason: string };

export class Wire {
  private readonly encoded = new WeakMap<object, Uint8Array>();

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
      try {
        bytes = encodeConsensusMessage(m);
      } catch {
        // Only a Byzantine wrapper builds messages that do not encode; on a wire they are just bytes.
        bytes = this.prng.bytes(this.prng.int(1, 64));
      }
      this.encoded.set(m, bytes);
    }
    return bytes;
  }

  decode(bytes: Uint8Array): WireVerdict {
    const r = decodeConsensusMessage(bytes, this.limits);
    return r.ok ? { ok: true, message: r.value } : { ok: false, reason: r.reason };
  }
}
