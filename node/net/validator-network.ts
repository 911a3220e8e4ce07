// Consensus and sync traffic between validators over libp2p. Every validator gets one outbound
// PeerLink; inbound consensus streams are accepted only from peer ids listed in the validator set
// (noise has already proved the remote holds that peer id's key), others are refused and counted.
// Frames that are oversized or unreadable end that stream (a length prefix cannot be resynced)
// with a log line and a metric; the connection and the replica carry on.
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { Logger } from '../log/logger.js';
import type { ReplicaMetrics } from '../metrics/replica-metrics.js';
import { MAX_FRAME_BYTES, readFrames } from './framing.js';
import { PeerLink } from './peer-link.js';

export const CONSENSUS_PROTOCOL = '/knhk/consensus/1.0.0';

export interface ValidatorAddress {
  id: number;
  peerId: string;
  multiaddrs: string[];
}

export interface ValidatorNetworkOptions {
  host: Libp2p;
  self: number;
  validators: ValidatorAddress[];
  metrics: ReplicaMetrics;
  log: Logger;
  /** Called synchronously for every frame received from validator `from`. */
  onFrame(from: number, frame: Uint8Array): void;
  onPeerUp?(id: number): void;
  /** A validator became unresponsive: its link broke, or it fell silent (see `unresponsive`). */
  onPeerLost?(id: number): void;
  maxFrameBytes?: number;
  /** An empty frame goes to a peer after this long without any other (default HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** A validator heard from before and silent this long is unresponsive (default 4 heartbeats). */
  silenceMs?: number;
}

/** A validator link carries a frame at least this often (an empty one when there is nothing else). */
export const HEARTBEAT_MS = 250;

export class ValidatorNetwork {
  private readonly links = new Map<number, PeerLink>();
  private readonly byPeerId = new Map<string, number>();
  private readonly inbound = new Map<number, number>(); // validator id -> open inbound streams
  private readonly inboundStreams = new Set<Stream>();
  private started = false;
  /** performance.now() of the last frame (heartbeats included) from each validator heard since start. */
  private readonly lastHeard = new Map<number, number>();
  /** Validators reported silent (onPeerLost) and not heard from since. */
  private readonly silent = new Set<number>();
  /** Validators whose broken link was reported (onPeerLost) and has not come back since. */
  private readonly reportedLost = new Set<number>();
  private get silenceMs(): number {
    return this.opts.silenceMs ?? 4 * (this.opts.heartbeatMs ?? HEARTBEAT_MS);
  }
  private heartbeats: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ValidatorNetworkOptions) {
    for (const v of opts.validators) this.byPeerId.set(v.peerId, v.id);
  }

  async start(): Promise<void> {
    const { host } = this.opts;
    await host.handle(CONSENSUS_PROTOCOL, (stream, connection) => this.onInbound(stream, connection), {
      maxInboundStreams: 2 * this.opts.validators.length + 4,
    });
    for (const v of this.opts.validators) {
      if (v.id === this.opts.self) continue;
      const link = new PeerLink(host, {
        protocol: CONSENSUS_PROTOCOL,
        addrs: v.multiaddrs.map((a) => `${a}/p2p/${v.peerId}`),
        onDropped: (n) => this.opts.metrics.drop('queue-full', n),
        onUp: () => {
          this.opts.log.info({ peer: v.id }, 'validator link up');
          this.updatePeers();
          this.opts.onPeerUp?.(v.id);
        },
        onDown: (reason) => {
          this.opts.log.debug({ peer: v.id, reason }, 'validator link down');
          this.updatePeers();
        },
      });
      this.links.set(v.id, link);
      link.connect();
    }
    const every = this.opts.heartbeatMs ?? HEARTBEAT_MS;
    this.heartbeats = setInterval(() => {
      const now = performance.now();
      for (const link of this.links.values()) link.heartbeat(every, now);
      // A link that stayed broken past the grace, or a validator that just fell silent, is reported once.
      for (const [id, link] of this.links) {
        if (link.lost && !this.reportedLost.has(id)) {
          this.reportedLost.add(id);
          this.opts.onPeerLost?.(id);
        } else if (!link.lost) this.reportedLost.delete(id);
      }
      for (const [id, heard] of this.lastHeard) {
        const silent = now - heard > this.silenceMs;
        if (silent && !this.silent.has(id)) {
          this.silent.add(id);
          this.opts.log.info({ peer: id, silentMs: Math.round(now - heard) }, 'validator fell silent');
          this.updatePeers();
          this.opts.onPeerLost?.(id);
        } else if (!silent && this.silent.delete(id)) {
          this.opts.log.info({ peer: id }, 'validator heard again');
          this.updatePeers();
        }
      }
    }, every);
    this.heartbeats.unref();
    this.started = true;
  }

  send(to: number, frame: Uint8Array): void {
    const link = this.links.get(to);
    if (!link) throw new Error(`send: ${to} is not a validator peer of ${this.opts.self}`);
    link.send(frame);
  }

  broadcast(frame: Uint8Array): void {
    for (const link of this.links.values()) link.send(frame);
  }

  /** True when our link to validator `id` was up and has been down for LOST_GRACE_MS: messages to it go nowhere. */
  lost(id: number): boolean {
    return this.links.get(id)?.lost ?? false;
  }

  /**
   * Validator `id` will not take part soon: its link broke, or it was heard from before and has
   * been silent for more than the `silenceMs` option although every live validator sends at least
   * a heartbeat every HEARTBEAT_MS (a frozen process, or a network that drops its packets without
   * resetting the connection). A validator never heard from since start is not judged by silence.
   */
  unresponsive(id: number): boolean {
    if (this.lost(id)) return true;
    const heard = this.lastHeard.get(id);
    return heard !== undefined && performance.now() - heard > this.silenceMs;
  }

  /**
   * Validators with a live outbound link or inbound stream that have not fallen silent: a frozen
   * replica keeps its connections open, and `knhk status` should not list it as a peer.
   */
  connectedPeers(): number[] {
    const out: number[] = [];
    for (const v of this.opts.validators) {
      if (v.id === this.opts.self || this.silent.has(v.id)) continue;
      if (this.links.get(v.id)?.connected || (this.inbound.get(v.id) ?? 0) > 0) out.push(v.id);
    }
    return out;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.heartbeats !== null) clearInterval(this.heartbeats);
    for (const link of this.links.values()) link.close();
    for (const s of this.inboundStreams) s.abort(new Error('replica stopping'));
    await this.opts.host.unhandle(CONSENSUS_PROTOCOL);
  }

  private updatePeers(): void {
    this.opts.metrics.peers.set(this.connectedPeers().length);
  }

  private onInbound(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString();
    const from = this.byPeerId.get(peer);
    if (from === undefined || from === this.opts.self) {
      this.opts.metrics.refusedPeers.inc();
      this.opts.log.warn({ peer, addr: connection.remoteAddr.toString() }, 'refused consensus stream from a peer outside the validator set');
      stream.abort(new Error('not a validator'));
      return;
    }
    this.inbound.set(from, (this.inbound.get(from) ?? 0) + 1);
    this.inboundStreams.add(stream);
    this.updatePeers();
    void readFrames(
      stream,
      (frame) => {
        this.lastHeard.set(from, performance.now());
        if (frame.length === 0) return; // a heartbeat
        try {
          this.opts.onFrame(from, frame);
        } catch (e) {
          // Bad input is the decoder's job to reject with a verdict; anything thrown here is our
          // bug, logged loudly but not allowed to take the replica down with a peer's stream.
          this.opts.log.error({ peer: from, err: (e as Error).stack }, 'frame handler threw');
        }
      },
      this.opts.maxFrameBytes ?? MAX_FRAME_BYTES,
    ).then((end) => {
      this.inboundStreams.delete(stream);
      this.inbound.set(from, (this.inbound.get(from) ?? 1) - 1);
      this.updatePeers();
      if (end.kind === 'error') {
        if (end.reason !== 'stream') {
          this.opts.metrics.drop(end.reason);
          this.opts.log.warn({ peer: from, reason: end.reason, detail: end.message }, 'consensus stream dropped: bad framing');
        } else {
          // A peer restarting or stopping resets its streams: routine, not a warning.
          this.opts.log.debug({ peer: from, detail: end.message }, 'consensus stream reset');
        }
        stream.abort(new Error(end.reason));
      }
    });
  }
}
