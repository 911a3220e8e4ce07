// The libp2p host of a replica (and of SDK clients): TCP + noise + yamux, tuned for a small
// validator set on known addresses (STACK-NOTES): no inbound rate limit surprises on local
// clusters, no connection aborts on slow pings under load (consensus timeouts handle liveness).
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Libp2p, PrivateKey } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { MAX_FRAME_BYTES } from './framing.js';
import { patchTcpWrites } from './tcp-writes.js';
import { patchYamuxWindowUpdates } from './yamux-window.js';

export interface HostOptions {
  privateKey?: PrivateKey;
  /** Multiaddrs to listen on; empty for a dial-only client. */
  listen: string[];
  /** Most simultaneous connections (validators + clients). */
  maxConnections?: number;
}

export async function createHost(opts: HostOptions): Promise<Libp2p> {
  // A window update per received frame doubled our frames (see yamux-window.ts).
  await patchYamuxWindowUpdates();
  // Two write(2) calls per sent frame became one (see tcp-writes.ts).
  await patchTcpWrites();
  return createLibp2p({
    ...(opts.privateKey ? { privateKey: opts.privateKey } : {}),
    addresses: { listen: opts.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [
      yamux({
        maxInboundStreams: 256,
        maxOutboundStreams: 256,
        streamOptions: {
          // Frames are bounded by our own reader; the muxer buffer must hold at least one.
          maxReadBufferLength: 2 * MAX_FRAME_BYTES,
          // Consensus streams are long-lived and may idle between views.
          inactivityTimeout: 24 * 3600_000,
        },
      }),
    ],
    connectionManager: {
      maxConnections: opts.maxConnections ?? 1024,
      inboundConnectionThreshold: 1000,
      allow: ['/ip4/127.0.0.1', '/ip6/::1'],
    },
    connectionMonitor: { abortConnectionOnPingFailure: false },
    start: true,
  });
}
