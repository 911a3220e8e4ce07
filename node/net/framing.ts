// Length-prefixed frames on a libp2p stream. Writers batch many frames into one `send()` (one
// frame per send is ~10x slower, STACK-NOTES); readers decode with a hard size limit so a peer
// cannot make us buffer an unbounded frame. An oversized or corrupt prefix cannot be resynced, so
// the reader reports it and the caller closes the stream.
import type { Stream } from '@libp2p/interface';
import { decode } from 'it-length-prefixed';
import { pipe } from 'it-pipe';
import type { Uint8ArrayList } from 'uint8arraylist';

/** Largest consensus/sync/client frame accepted (a full block of commands plus certificates). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(out: Uint8Array, offset: number, n: number): number {
  while (n >= 0x80) {
    out[offset++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[offset++] = n;
  return offset;
}

/** Concatenates frames, each prefixed with its unsigned-varint length, into one buffer. */
export function encodeFrames(frames: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const f of frames) total += varintLength(f.length) + f.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const f of frames) {
    o = writeVarint(out, o, f.length);
    out.set(f, o);
    o += f.length;
  }
  return out;
}

export type FrameReadEnd = { kind: 'closed' } | { kind: 'error'; reason: 'oversized' | 'bad-prefix' | 'stream'; message: string };

/**
 * Reads frames from `stream` until it ends, calling `onFrame` for each (synchronously, in order).
 * Resolves with how the read ended; never rejects.
 */
export async function readFrames(stream: Stream, onFrame: (frame: Uint8Array) => void, maxFrameBytes = MAX_FRAME_BYTES): Promise<FrameReadEnd> {
  try {
    await pipe(
      stream as AsyncIterable<Uint8Array | Uint8ArrayList>,
      (source) => decode(source, { maxDataLength: maxFrameBytes }),
      async (frames) => {
        for await (const frame of frames) onFrame(frame.subarray());
      },
    );
    return { kind: 'closed' };
  } catch (e) {
    const err = e as Error;
    // Error classes of it-length-prefixed, told apart by name (they are not exported as values we can rely on).
    if (err.name === 'InvalidDataLengthError') return { kind: 'error', reason: 'oversized', message: err.message };
    if (err.name === 'InvalidDataLengthLengthError' || err.name === 'InvalidMessageLengthError' || err.name === 'UnexpectedEOFError') {
      return { kind: 'error', reason: 'bad-prefix', message: err.message };
    }
    return { kind: 'error', reason: 'stream', message: err.message };
  }
}

/**
 * Reads the first frame of `stream` (request/response protocols) without waiting for the stream to
 * end; resolves null if the stream ends first or the frame is bad. The stream stays writable.
 */
export async function readFirstFrame(stream: Stream, maxFrameBytes = MAX_FRAME_BYTES): Promise<Uint8Array | null> {
  try {
    for await (const frame of decode(stream as AsyncIterable<Uint8Array | Uint8ArrayList>, { maxDataLength: maxFrameBytes })) {
      return frame.subarray();
    }
    return null;
  } catch {
    return null;
  }
}
