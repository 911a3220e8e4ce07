// The client end of one /knhk/client/1 stream to one replica: request/response with ids over one
// long-lived stream, opened lazily and reopened after a failure. Every request has a deadline;
// a lost connection fails all its pending requests at once with `ChannelError`, so callers can
// retry elsewhere (safe: commands are deduplicated by (client, seq)).
import type { Libp2p, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { readFrames } from '../net/framing.js';
import { ClientCodecError, decodeResponse, encodeRequest, type ClientRequest, type ClientResponse } from './codec.js';
import { FrameWriter } from './frame-writer.js';
import { CLIENT_PROTOCOL, MAX_RESPONSE_FRAME_BYTES } from './protocol.js';

export class ChannelError extends Error {
  constructor(
    message: string,
    readonly replica: number,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

interface Pending {
  resolve(res: ClientResponse): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const DIAL_TIMEOUT_MS = 5000;
const MAX_REQUEST_ID = 0xffffffff;

export class ClientChannel {
  private stream: Stream | null = null;
  private writer: FrameWriter | null = null;
  private opening: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly host: Libp2p,
    /** Replica index, for error messages and retries. */
    readonly replica: number,
    /** Full dial address with /p2p/<peerId>, so noise checks we reached the listed validator. */
    private readonly addr: string,
  ) {}

  /** Sends `req` and resolves with the replica's answer; rejects with ChannelError on a dead link or deadline. */
  async request(req: ClientRequest, deadlineMs: number): Promise<ClientResponse> {
    if (this.closed) throw new ChannelError('channel closed', this.replica);
    await this.open(deadlineMs);
    const id = this.nextId;
    this.nextId = this.nextId >= MAX_REQUEST_ID ? 1 : this.nextId + 1;
    return new Promise<ClientResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ChannelError(`replica ${this.replica} did not answer within ${deadlineMs} ms`, this.replica));
      }, deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.writer?.send(encodeRequest(id, req))) this.fail(`replica ${this.replica}: connection lost`);
    });
  }

  close(): void {
    this.closed = true;
    this.fail('channel closed');
  }

  private async open(deadlineMs: number): Promise<void> {
    if (this.stream !== null) return;
    if (this.opening === null) {
      this.opening = this.dial(Math.min(deadlineMs, DIAL_TIMEOUT_MS)).finally(() => {
        this.opening = null;
      });
    }
    await this.opening;
  }

  private async dial(timeoutMs: number): Promise<void> {
    let s: Stream;
    try {
      s = await this.host.dialProtocol(multiaddr(this.addr), CLIENT_PROTOCOL, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw new ChannelError(`cannot reach replica ${this.replica} at ${this.addr}: ${(e as Error).message}`, this.replica);
    }
    if (this.closed) {
      s.abort(new Error('channel closed'));
      throw new ChannelError('channel closed', this.replica);
    }
    this.stream = s;
    this.writer = new FrameWriter(s, () => this.drop(s, `replica ${this.replica}: write failed`));
    void readFrames(s, (frame) => this.onFrame(frame), MAX_RESPONSE_FRAME_BYTES).then((end) => {
      this.drop(s, end.kind === 'closed' ? `replica ${this.replica} closed the connection` : `replica ${this.replica}: ${end.reason} frame`);
    });
  }

  private onFrame(frame: Uint8Array): void {
    let id: number;
    let res: ClientResponse;
    try {
      ({ id, res } = decodeResponse(frame));
    } catch (e) {
      // A replica that sends garbage is treated as a failed link: its answers cannot be matched.
      if (this.stream) this.drop(this.stream, `replica ${this.replica} sent a bad frame: ${e instanceof ClientCodecError ? e.message : String(e)}`);
      return;
    }
    const p = this.pending.get(id);
    if (p === undefined) return; // late answer to a request we gave up on
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(res);
  }

  private drop(s: Stream, reason: string): void {
    if (this.stream !== s) return;
    this.fail(reason);
  }

  private fail(reason: string): void {
    const s = this.stream;
    this.stream = null;
    this.writer = null;
    if (s) s.abort(new Error(reason));
    const err = new ChannelError(reason, this.replica);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}
