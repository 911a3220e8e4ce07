// The consensus safety state in its own small file, overwritten in place and fdatasync'ed. It is
// on the critical path of every vote (persist-before-send), and an in-place overwrite of already
// allocated blocks needs no filesystem journal commit: measured here 0.2 ms p50 against 1.5 ms
// for a synced LevelDB put, whose fsync also waits for every other dirty file on the disk.
//
// The write and fdatasync are synchronous on purpose. The step that persists waits for them anyway
// (persist-before-send), and as async calls they queued on libuv's 4-thread pool behind envelope
// verifications and level work: under client load a persist took 23 ms on average (fdatasync alone
// ~1 ms here), and it is paid twice per view. Blocking the event loop ~1 ms is the cheaper cost.
//
// Two slots alternate so a torn write (crash mid-write) leaves the previous state intact. A slot is
//   magic "KNSF" | version u8 | seq u64 BE | length u32 BE | payload | sha256(seq..payload)
// and the valid slot with the highest seq wins on load.
import { createHash } from 'node:crypto';
import { fdatasyncSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreCorruptError } from './records.js';

const MAGIC = [0x4b, 0x4e, 0x53, 0x46]; // "KNSF"
const VERSION = 1;
const HEADER = 4 + 1 + 8 + 4;
const DIGEST = 32;
/** Room for a safety state whose QC carries votes of up to a few hundred validators. */
export const SLOT_BYTES = 64 * 1024;
export const SAFETY_FILE = 'safety.bin';

function digest(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export class SafetyFile {
  private seq: number;
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    latestSeq: number,
    private latest: Uint8Array | null,
  ) {
    this.seq = latestSeq;
  }

  static async open(dir: string): Promise<SafetyFile> {
    const fh = await open(join(dir, SAFETY_FILE), 'a+').then(async (h) => {
      await h.close();
      return open(join(dir, SAFETY_FILE), 'r+');
    });
    const size = (await fh.stat()).size;
    if (size < 2 * SLOT_BYTES) {
      // Allocate both slots once (zeros are an invalid slot), so later writes only overwrite.
      const zeros = new Uint8Array(2 * SLOT_BYTES - size);
      await fh.write(zeros, 0, zeros.length, size);
      await fh.sync();
    }
    let best: { seq: number; payload: Uint8Array } | null = null;
    let damaged = 0;
    for (const slot of [0, 1]) {
      const buf = new Uint8Array(SLOT_BYTES);
      await fh.read(buf, 0, SLOT_BYTES, slot * SLOT_BYTES);
      const rec = parseSlot(buf);
      if (rec === 'empty') continue;
      if (rec === 'damaged') damaged++;
      else if (best === null || rec.seq > best.seq) best = rec;
    }
    // One damaged slot is a torn last write (the other holds the state). With no valid slot at all
    // the state is lost: starting fresh could vote twice in a view, so refuse to start.
    if (best === null && damaged > 0) {
      await fh.close();
      throw new StoreCorruptError('safety file', `${join(dir, SAFETY_FILE)} has no valid slot; restore it or rebuild the replica from peers`);
    }
    return new SafetyFile(fh, best?.seq ?? 0, best?.payload ?? null);
  }

  /** The newest durable payload (null on a fresh file). */
  get loaded(): Uint8Array | null {
    return this.latest;
  }

  /** Durable (fdatasync) when it resolves (the write is done before it returns). Writes are applied in call order. */
  write(payload: Uint8Array): Promise<void> {
    if (HEADER + payload.length + DIGEST > SLOT_BYTES) return Promise.reject(new RangeError(`safety state of ${payload.length} bytes exceeds the slot`));
    if (this.closed) return Promise.reject(new Error('safety file closed'));
    const seq = ++this.seq;
    const rec = new Uint8Array(HEADER + payload.length + DIGEST);
    rec.set(MAGIC, 0);
    rec[4] = VERSION;
    const dv = new DataView(rec.buffer);
    dv.setUint32(5, Math.floor(seq / 0x1_0000_0000));
    dv.setUint32(9, seq >>> 0);
    dv.setUint32(13, payload.length);
    rec.set(payload, HEADER);
    rec.set(digest(rec.subarray(5, HEADER + payload.length)), HEADER + payload.length);
    try {
      writeSync(this.fh.fd, rec, 0, rec.length, (seq % 2) * SLOT_BYTES);
      fdatasyncSync(this.fh.fd);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    this.latest = payload;
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

function parseSlot(buf: Uint8Array): { seq: number; payload: Uint8Array } | 'empty' | 'damaged' {
  if (buf.every((b) => b === 0)) return 'empty';
  for (let i = 0; i < 4; i++) if (buf[i] !== MAGIC[i]) return 'damaged';
  if (buf[4] !== VERSION) throw new StoreCorruptError('safety file', `unknown version ${buf[4]}`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const seq = dv.getUint32(5) * 0x1_0000_0000 + dv.getUint32(9);
  const len = dv.getUint32(13);
  if (HEADER + len + DIGEST > buf.length) return 'damaged';
  const want = buf.subarray(HEADER + len, HEADER + len + DIGEST);
  const got = digest(buf.subarray(5, HEADER + len));
  for (let i = 0; i < DIGEST; i++) if (want[i] !== got[i]) return 'damaged';
  return { seq, payload: buf.slice(HEADER, HEADER + len) };
}
