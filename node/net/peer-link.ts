// One long-lived outbound stream to one validator, carrying batched frames. Frames queued while
// the link is down wait in a bounded queue (oldest dropped first, counted): consensus recovers lost
// messages through timeouts and sync, so a bound is safe and memory stays flat under partitions.
import type { Libp2p, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { encodeFrames } from './framing.js';

export interface PeerLinkOptions {
  protocol: string;
  /** Dial addresses with the /p2p/<peerId> suffix so noise authenticates the remote key. */
  addrs: string[];
  /** Most bytes queued for this peer before the oldest frames are dropped. */
  maxQueuedBytes?: number;
  /** Most bytes handed to one stream.send() call. */
  maxSendBytes?: number;
  onDropped?(frames: number): void;
  onUp?(): void;
  onDown?(reason: string): void;
}

const EMPTY_FRAME = new Uint8Array(0);
/** How long a broken link must stay down before it counts as lost. */
export const LOST_GRACE_MS = 300;
const RETRY_MS_MIN = 50;
const RETRY_MS_MAX = 2000;

export class PeerLink {
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private stream: Stream | null = null;
  private connecting = false;
  private flushing = false;
  private closed = false;
  private retryMs = RETRY_MS_MIN;
  private retryTimer: NodeJS.Timeout | null = null;
  /** A stream was attached at least once (see `lost`). */
  private wasUp = false;
  /** performance.now() when the current stream was lost. */
  private downSince = 0;
  /** performance.now() of the last frame handed to this link. */
  private lastSendAt = 0;
  private readonly maxQueuedBytes: number;
  private readonly maxSendBytes: number;

  constructor(
    private readonly host: Libp2p,
    private readonly opts: PeerLinkOptions,
  ) {
    this.maxQueuedBytes = opts.maxQueuedBytes ?? 64 * 1024 * 1024;
    this.maxSendBytes = opts.maxSendBytes ?? 1024 * 1024;
  }

  get connected(): boolean {
    return this.stream !== null;
  }

  /**
   * The link was up, broke at least LOST_GRACE_MS ago, and no stream has been reopened since: the
   * peer closed or reset the connection (its process died) and redials fail. A link that has never
   * come up is not counted (at start-up peers come up one by one), nor one that is just reconnecting
   * (a replica restarted within the grace costs no view).
   */
  get lost(): boolean {
    return this.stream === null && this.wasUp && performance.now() - this.downSince >= LOST_GRACE_MS;
  }

  /**
   * Sends an empty frame when nothing else went out for `idleMs` and the link is up: peers read
   * silence as a frozen or cut-off replica (ValidatorNetwork.unresponsive), so a live one speaks.
   */
  heartbeat(idleMs: number, now: number): void {
    if (this.stream !== null && now - this.lastSendAt >= idleMs) this.send(EMPTY_FRAME);
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    this.lastSendAt = performance.now();
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    let dropped = 0;
    while (this.queuedBytes > this.maxQueuedBytes && this.queue.length > 1) {
      this.queuedBytes -= this.queue.shift()!.length;
      dropped++;
    }
    if (dropped > 0) this.opts.onDropped?.(dropped);
    this.kick();
  }

  /** Starts connecting now (instead of on the first send). */
  connect(): void {
    this.kick();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const s = this.stream;
    this.stream = null;
    this.queue = [];
    this.queuedBytes = 0;
    if (s) s.abort(new Error('link closed'));
  }

  private kick(): void {
    if (this.closed) return;
    if (this.stream === null) {
      if (!this.connecting && this.retryTimer === null) void this.open();
      return;
    }
    if (!this.flushing && this.queue.length > 0) {
      this.flushing = true;
      // Let the current tick's frames accumulate so they leave in one send.
      setImmediate(() => void this.flush());
    }
  }

  private async open(): Promise<void> {
    this.connecting = true;
    try {
      let lastErr: unknown = new Error('no address');
      for (const a of this.opts.addrs) {
        try {
          const s = await this.host.dialProtocol(multiaddr(a), this.opts.protocol, { signal: AbortSignal.timeout(5000) });
          if (this.closed) {
            s.abort(new Error('link closed'));
            return;
          }
          this.attach(s);
          return;
        } catch (e) {
          lastErr = e;
        }
      }
      this.scheduleRetry(lastErr instanceof Error ? lastErr.message : String(lastErr));
    } finally {
      this.connecting = false;
    }
  }

  private attach(s: Stream): void {
    this.stream = s;
    this.wasUp = true;
    this.retryMs = RETRY_MS_MIN;
    s.addEventListener('close', () => {
      if (this.stream === s) {
        this.stream = null;
        this.downSince = performance.now();
        this.opts.onDown?.('stream closed');
        this.scheduleRetry('stream closed');
      }
    });
    this.opts.onUp?.();
    this.kick();
  }

  private scheduleRetry(reason: string): void {
    if (this.closed || this.retryTimer) return;
    this.opts.onDown?.(reason);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, this.retryMs);
    this.retryMs = Math.min(RETRY_MS_MAX, this.retryMs * 2);
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.stream !== null && !this.closed) {
        const s = this.stream;
        const batch: Uint8Array[] = [];
        let bytes = 0;
        while (this.queue.length > 0 && (batch.length === 0 || bytes + this.queue[0].length <= this.maxSendBytes)) {
          const f = this.queue.shift()!;
          bytes += f.length;
          batch.push(f);
        }
        this.queuedBytes -= bytes;
        try {
          if (!s.send(encodeFrames(batch))) await s.onDrain();
        } catch {
          // The stream died mid-send: its close handler reconnects; these frames are lost like
          // any message on a failed link, and consensus retransmits through timeouts/sync.
          if (this.stream === s) {
            this.stream = null;
            this.downSince = performance.now();
            s.abort(new Error('send failed'));
            this.scheduleRetry('send failed');
          }
          return;
        }
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0 && this.stream !== null) this.kick();
    }
  }
}
