// The replica side of the client protocol (/knhk/client/1). Any peer may open a client stream (the
// envelope signature, not the connection, authenticates a command). Each request is answered on
// the same stream with its id; waits (receipts, signed roots) run concurrently, bounded per stream.
// Bad input — an unreadable frame, a request with no body, an envelope that fails its checks — is
// answered with an error or ends the stream, is logged and counted, and never reaches consensus.
import type { Libp2p, Stream } from '@libp2p/interface';
import type { Logger } from '../log/logger.js';
import type { ReplicaMetrics } from '../metrics/replica-metrics.js';
import { readFrames } from '../net/framing.js';
import type { ReplicaServices } from '../replica/services.js';
import { ClientCodecError, decodeRequest, encodeResponse, type ClientRequest, type ClientResponse } from './codec.js';
import { decodeSignedCommand, prevalidateEnvelope } from './envelope.js';
import { StateReadError } from '../../kernel/api.js';
import { FrameWriter } from './frame-writer.js';
import { CLIENT_PROTOCOL, MAX_BAD_ENVELOPES_PER_STREAM, MAX_IN_FLIGHT_PER_STREAM, MAX_REQUEST_FRAME_BYTES, MAX_WAIT_MS } from './protocol.js';

export interface ClientServiceOptions {
  log?: Logger;
  /** The cluster's genesis chainId: needed to admit co-signed (governance) envelopes. */
  chainId?: string;
  metrics?: ReplicaMetrics;
  maxInFlightPerStream?: number;
  /** Invalid envelopes one stream may send before it is closed (MAX_BAD_ENVELOPES_PER_STREAM). */
  maxBadEnvelopesPerStream?: number;
  maxWaitMs?: number;
  /** Most client streams open at once per connection (a client normally uses one). */
  maxStreamsPerConnection?: number;
}

export interface ClientServiceHandle {
  /** Stops accepting client streams and aborts the open ones. */
  close(): Promise<void>;
  /** Counters for tests and status: requests answered, and rejected by cause. */
  readonly counts: { requests: number; badFrames: number; badEnvelopes: number; busy: number; closedForBadEnvelopes: number };
}

export async function mountClientService(host: Libp2p, services: ReplicaServices, opts: ClientServiceOptions = {}): Promise<ClientServiceHandle> {
  const maxInFlight = opts.maxInFlightPerStream ?? MAX_IN_FLIGHT_PER_STREAM;
  const maxWaitMs = opts.maxWaitMs ?? MAX_WAIT_MS;
  const open = new Set<Stream>();
  const maxBadEnvelopes = opts.maxBadEnvelopesPerStream ?? MAX_BAD_ENVELOPES_PER_STREAM;
  const counts = { requests: 0, badFrames: 0, badEnvelopes: 0, busy: 0, closedForBadEnvelopes: 0 };
  const log = opts.log;

  async function answer(req: ClientRequest): Promise<ClientResponse> {
    switch (req.kind) {
      case 'submit': {
        // The Ed25519 check runs on the thread pool first; decoding then finds it done.
        await prevalidateEnvelope(req.envelope);
        const d = decodeSignedCommand(req.envelope, opts.chainId === undefined ? undefined : { chainId: opts.chainId });
        if (!d.ok) {
          counts.badEnvelopes++;
          opts.metrics?.drop('invalid-command');
          log?.debug({ reason: d.reason }, 'client command rejected');
          return { kind: 'error', code: 'bad-envelope', message: d.reason };
        }
        services.submit(d.command);
        if (!req.wait) return { kind: 'accepted', client: d.command.client, seq: d.command.seq };
        const r = await services.waitForReceipt(d.command.client, d.command.seq, Math.min(req.timeoutMs, maxWaitMs));
        return r === null ? { kind: 'timedOut' } : { kind: 'receipt', receipt: r };
      }
      case 'awaitReceipt': {
        const r = await services.waitForReceipt(req.client, req.seq, Math.min(req.timeoutMs, maxWaitMs));
        return r === null ? { kind: 'timedOut' } : { kind: 'receipt', receipt: r };
      }
      case 'signedRoots': {
        const s = await services.signedRoots(req.height, Math.min(req.timeoutMs, maxWaitMs));
        return s === null ? { kind: 'timedOut' } : { kind: 'signedRoots', roots: s };
      }
      case 'status':
        return { kind: 'status', status: services.status() };
      case 'localRead':
        if (services.localRead === undefined) return { kind: 'error', code: 'unsupported', message: 'this replica does not serve local reads' };
        try {
          return { kind: 'read', value: services.localRead(req.key) };
        } catch (e) {
          if (e instanceof StateReadError) return { kind: 'error', code: 'bad-request', message: e.message };
          throw e;
        }
    }
  }

  function onStream(stream: Stream): void {
    open.add(stream);
    let inFlight = 0;
    let inputEnded = false;
    let badOnStream = 0;
    let badEnvelopesOnStream = 0;
    /** Set once the stream sent too many invalid envelopes: nothing more is read from it. */
    let refused = false;
    const writer = new FrameWriter(stream, (e) => {
      log?.debug({ err: e.message }, 'client stream write failed');
      stream.abort(e);
    });
    const reply = (id: number, res: ClientResponse) => writer.send(encodeResponse(id, res));

    const onFrame = (frame: Uint8Array): void => {
      if (refused) {
        stream.abort(new Error('client stream refused: too many invalid envelopes'));
        return;
      }
      let id: number;
      let req: ClientRequest;
      try {
        ({ id, req } = decodeRequest(frame));
      } catch (e) {
        counts.badFrames++;
        badOnStream++;
        opts.metrics?.drop('malformed');
        // One warning per stream; a peer flooding garbage must not flood the log too (the metric counts all).
        const line = { err: (e as Error).message, bytes: frame.length, dropped: badOnStream };
        if (badOnStream === 1) log?.warn(line, 'malformed client frame dropped');
        else log?.debug(line, 'malformed client frame dropped');
        reply(0, { kind: 'error', code: 'bad-request', message: e instanceof ClientCodecError ? e.message : 'malformed request' });
        return;
      }
      if (inFlight >= maxInFlight) {
        counts.busy++;
        opts.metrics?.drop('queue-full');
        reply(id, { kind: 'error', code: 'busy', message: `more than ${maxInFlight} requests in flight on this stream` });
        return;
      }
      inFlight++;
      counts.requests++;
      answer(req).then(
        (res) => {
          reply(id, res);
          if (res.kind === 'error' && res.code === 'bad-envelope' && ++badEnvelopesOnStream === maxBadEnvelopes) {
            counts.closedForBadEnvelopes++;
            opts.metrics?.drop('bad-envelopes-stream-closed');
            log?.warn({ badEnvelopes: badEnvelopesOnStream }, 'client stream closed: too many invalid envelopes');
            // The answers already queued are sent first, so the client sees why; a further frame aborts.
            refused = true;
            writer.closeWhenDrained();
          }
        },
        (e: unknown) => {
          log?.error({ err: e instanceof Error ? e.message : String(e), kind: req.kind }, 'client request failed');
          reply(id, { kind: 'error', code: 'internal', message: 'the replica failed to answer this request' });
        },
      ).finally(() => {
        inFlight--;
        if (inputEnded && inFlight === 0) writer.closeWhenDrained();
      });
    };

    void readFrames(stream, onFrame, MAX_REQUEST_FRAME_BYTES).then((end) => {
      open.delete(stream);
      if (end.kind === 'error' && end.reason === 'stream') {
        // Reset or closed under us (client gone, service stopping): normal churn, not bad input.
        log?.debug({ err: end.message }, 'client stream reset');
      } else if (end.kind === 'error') {
        counts.badFrames++;
        opts.metrics?.drop(end.reason);
        log?.warn({ reason: end.reason, err: end.message }, 'client stream ended by a bad frame');
        stream.abort(new Error(`client stream: ${end.reason}`));
      } else {
        // The client finished sending: close once the answers still pending have been sent.
        inputEnded = true;
        if (inFlight === 0) writer.closeWhenDrained();
      }
    });
  }

  await host.handle(CLIENT_PROTOCOL, (stream) => onStream(stream), {
    maxInboundStreams: opts.maxStreamsPerConnection ?? 32,
  });

  return {
    counts,
    async close() {
      await host.unhandle(CLIENT_PROTOCOL);
      for (const s of open) s.abort(new Error('client service closed'));
      open.clear();
    },
  };
}
