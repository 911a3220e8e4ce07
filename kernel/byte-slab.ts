// Many small byte arrays (a batch's receipts) carved out of a few larger buffers. Why: in V8 a
// Uint8Array over 64 bytes gets its own off-heap backing store, which costs ~0.7 µs to allocate
// (and more to collect); a view into a shared buffer costs ~0.15 µs with the copy. The views never
// overlap, and the buffers are fresh per slab: whoever holds a view owns its bytes. A buffer is
// kept alive by any of its views, so the caller sizes the slab to what it will carve (one batch).
const EMPTY = new Uint8Array(0);

export class ByteSlab {
  private buf: Uint8Array = EMPTY;
  private at = 0;

  /** `chunk`: bytes per buffer; arrays longer than a quarter of it get their own buffer. */
  constructor(private readonly chunk: number) {}

  /** A copy of src[from, to) that no other array returned by this slab overlaps. */
  copy(src: Uint8Array, from: number, to: number): Uint8Array {
    const n = to - from;
    if (n * 4 > this.chunk) return src.slice(from, to);
    if (this.at + n > this.buf.length) {
      this.buf = new Uint8Array(this.chunk);
      this.at = 0;
    }
    const at = this.at;
    this.buf.set(src.subarray(from, to), at);
    this.at = at + n;
    return this.buf.subarray(at, at + n);
  }
}
