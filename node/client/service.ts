// The replica side of the client protocol (/knhk/client/1). Any peer may open a client stream (the
// envelope signature, not the connection, authenticates a command). Each request is answered on
// the same stream with its id; waits (receipts, signed roots) run concurrently, bounded per stream.
// Bad input — an unreadable frame, a request with no body, an envelope that fails its checks — is
// answered with an error or ends the stream, is logged and counted, and never reaches consensus.
// Invalid envelopes are the expensive bad input (a bad signature costs ~14x a valid check), so
// they are bounded per stream (closed after MAX_BAD_ENVELOPES_PER_STREAM; at most
// MAX_CHECKS_IN_FLIGHT_PER_STREAM checks at once, none started or confirmed past the limit) and per
// source address across streams and connections (source-penalty.ts: over its budget a source is
// refused for a while, with error code `penalized`, without any check).
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { Logger } from '../log/logger.js';
import type { ReplicaMetrics } from '../metrics/replica-metrics.js';
import { readFrames } from '../net/framing.js';
import type { ReplicaServices } from '../replica/services.js';
import { ClientCodecError, decodeRequest, encodeResponse, type ClientRequest, type ClientResponse } from './codec.js';
import { decodeSignedCommand, prevalidateEnvelope } from './envelope.js';
import { StateReadError } from '../../kernel/api.js';
import { CheckSlots } from './check-slots.js';
import { FrameWriter } from './frame-writer.js';
import { CLIENT_PROTOCOL, MAX_BAD_ENVELOPES_PER_STREAM, MAX_CHECKS_IN_FLIGHT_PER_STREAM, MAX_IN_FLIGHT_PER_STREAM, MAX_REQUEST_FRAME_BYTES, MAX_WAIT_MS } from './protocol.js';
import { SourcePenalties, sourceOfAddress, type SourcePenaltyLimits } from './source-penalty.js';

/** How long a new stream from a penalized source stays open to answer its first requests (unchecked). */
const REFUSED_STREAM_GRACE_MS = 200;

export interface ClientServiceOptions {
  log?: Logger;
  /** The cluster's genesis chainId: needed to admit co-signed (governance) envelopes. */
  chainId?: string;
  metrics?: ReplicaMetrics;
  maxInFlightPerStream?: number;
  /** Invalid envelopes one stream may send before it is closed (MAX_BAD_ENVELOPES_PER_STREAM). */
  maxBadEnvelopesPerStream?: number;
  /** Envelope checks one stream may run at once (MAX_CHECKS_IN_FLIGHT_PER_STREAM). */
  maxChecksInFlightPerStream?: number;
  maxWaitMs?: number;
  /** Most client streams open at once per connection (a client normally uses one). */
  maxStreamsPerConnection?: number;
  /** Invalid envelopes a source may send, and its penalty (defaults: SOURCE_* in protocol.ts). */
  sourcePenalty?: Partial<SourcePenaltyLimits>;
  /** Monotonic clock in ms for the penalties (performance.now by default; tests pass a fake one). */
  now?: () => number;
  /**
   * The source a connection's invalid envelopes are charged to: its remote IP by default
   * (`sourceOfAddress`; peer ids are free to mint). Tests on loopback, where every client is
   * 127.0.0.1, key by peer id instead.
   */
  sourceOf?: (connection: Connection) => string;
}

export interface ClientServiceHandle {
  /** Stops accepting client streams and aborts the open ones. */
  close(): Promise<void>;
  /** Counters for tests and status: requests answered, and rejected by cause. */
  readonly counts: {
    requests: number;
    badFrames: number;
    badEnvelopes: number;
    busy: number;
    closedForBadEnvelopes: number;
    /** Submits answered unchecked because their stream had just been closed for invalid envelopes. */
    notChecked: number;
    /** Streams and requests refused because their source was penalized. */
    penalized: number;
    /** Times a source went over its budget and was penalized. */
    sourcesPenalized: number;
  };
  /** The per-source budgets (status, tests). */
  readonly penalties: SourcePenalties;
}

/** What answering one submit needs to know about the stream it came on. */
interface StreamContext {
  slots: CheckSlots;
  /** The (counted) answer instead of a check if the stream is closing or its source is penalized, else null. */
  refusal(): ClientResponse | null;
  /** Counts an invalid envelope against the stream and the source, before the next check may start. */
  onBadEnvelope(): void;
}

type Refusal = 'bad-envelopes' | 'source';

export async function mountClientService(host: Libp2p, services: ReplicaServices, opts: ClientServiceOptions = {}): Promise<ClientServiceHandle> {
  const maxInFlight = opts.maxInFlightPerStream ?? MAX_IN_FLIGHT_PER_STREAM;
  const maxWaitMs = opts.maxWaitMs ?? MAX_WAIT_MS;
  const open = new Set<Stream>();
  const maxBadEnvelopes = opts.maxBadEnvelopesPerStream ?? MAX_BAD_ENVELOPES_PER_STREAM;
  const maxChecks = opts.maxChecksInFlightPerStream ?? MAX_CHECKS_IN_FLIGHT_PER_STREAM;
  const counts = { requests: 0, badFrames: 0, badEnvelopes: 0, busy: 0, closedForBadEnvelopes: 0, notChecked: 0, penalized: 0, sourcesPenalized: 0 };
  const log = opts.log;
  const penalties = new SourcePenalties(opts.sourcePenalty, opts.now);
  const sourceOf = opts.sourceOf ?? ((c: Connection) => sourceOfAddress(c.remoteAddr));
  if (opts.metrics) opts.metrics.countPenalizedSources = () => penalties.penalizedCount();

  /** The answer for anything from a penalized source (null if `source` is not penalized); counted. */
  function penalizedAnswer(source: string): ClientResponse | null {
    const left = penalties.penaltyLeftMs(source);
    if (left <= 0) return null;
    counts.penalized++;
    opts.metrics?.drop('penalized-source');
    const { burst, refillPerSecond } = penalties.limits;
    return {
      kind: 'error',
      code: 'penalized',
      message:
        `source ${source} is refused for ${Math.ceil(left / 1000)} s more: it sent more invalid envelopes than allowed ` +
        `(${burst} at once, ${refillPerSecond}/s after that; a bad signature costs the replica ~14x a valid one)`,
    };
  }

  /** Checks and decodes an envelope, or answers why not; at most `st.slots` checks run at once. */
  async function checkEnvelope(envelope: Uint8Array, st: StreamContext): Promise<ReturnType<typeof decodeSignedCommand> | ClientResponse> {
    if (!(await st.slots.acquire())) return st.refusal() ?? notCheckedAnswer('bad-envelopes');
    try {
      const before = st.refusal();
      if (before !== null) return before;
      // The Ed25519 check runs on the thread pool first; decoding then finds it done.
      await prevalidateEnvelope(envelope);
      // A failed pool check is confirmed by the costly ZIP-215 rule on this thread (~1.7 ms): not
      // once the stream reached its limit or the source was penalized (by this or another stream).
      const after = st.refusal();
      if (after !== null) return after;
      const d = decodeSignedCommand(envelope, opts.chainId === undefined ? undefined : { chainId: opts.chainId });
      if (!d.ok) st.onBadEnvelope();
      return d;
    } finally {
      st.slots.release();
    }
  }

  async function answer(req: ClientRequest, st: StreamContext): Promise<ClientResponse> {
    switch (req.kind) {
      case 'submit': {
        const checkStarted = performance.now();
        const d = await checkEnvelope(req.envelope, st);
        opts.metrics?.admissionLatency.observe((performance.now() - checkStarted) / 1000);
        if ('kind' in d) return d;
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

  function notCheckedAnswer(why: Refusal): ClientResponse {
    counts.notChecked++;
    const message =
      why === 'source' ? 'not checked: this stream is being closed (its source was penalized)' : `not checked: this stream sent ${maxBadEnvelopes} invalid envelopes and is being closed`;
    return { kind: 'error', code: 'penalized', message };
  }

  function onStream(stream: Stream, connection: Connection): void {
    open.add(stream);
    const source = sourceOf(connection);
    let inFlight = 0;
    let inputEnded = false;
    let badOnStream = 0;
    let badEnvelopesOnStream = 0;
    /** Why the stream is being closed (set once): what still arrives is answered unchecked, then it is reset. */
    let refusedBy: Refusal | null = null;
    let closeTimer: NodeJS.Timeout | undefined;
    const writer = new FrameWriter(stream, (e) => {
      log?.debug({ err: e.message }, 'client stream write failed');
      stream.abort(e);
    });
    const reply = (id: number, res: ClientResponse) => writer.send(encodeResponse(id, res));
    // Closes the stream after `graceMs`, with the answers queued by then: a timer runs after this
    // turn's microtasks and the writer's flush (setImmediate), so the client sees why.
    const refuse = (by: Refusal, graceMs = 0): void => {
      refusedBy ??= by;
      clearTimeout(closeTimer);
      closeTimer = setTimeout(() => writer.closeWhenDrained(), graceMs);
    };
    const st: StreamContext = {
      // None once the stream is closing: a burst queued behind its limit is never checked.
      slots: new CheckSlots(() => (refusedBy === null ? maxChecks : 0)),
      refusal() {
        if (refusedBy === 'bad-envelopes') return notCheckedAnswer(refusedBy);
        const p = penalizedAnswer(source);
        if (p !== null) {
          refuse('source');
          return p;
        }
        return refusedBy === null ? null : notCheckedAnswer(refusedBy);
      },
      onBadEnvelope() {
        const penaltyMs = penalties.recordFailure(source);
        if (penaltyMs > 0) {
          counts.sourcesPenalized++;
          const { burst, refillPerSecond } = penalties.limits;
          log?.warn({ source, penaltyMs, burst, refillPerSecond }, 'client source penalized: too many invalid envelopes');
        }
        if (++badEnvelopesOnStream === maxBadEnvelopes) {
          counts.closedForBadEnvelopes++;
          opts.metrics?.drop('bad-envelopes-stream-closed');
          log?.warn({ badEnvelopes: badEnvelopesOnStream, source }, 'client stream closed: too many invalid envelopes');
          refuse('bad-envelopes');
        }
      },
    };

    const onFrame = (frame: Uint8Array): void => {
      let id: number;
      let req: ClientRequest;
      if (refusedBy !== null) {
        // Answered without any check while the stream is closing; once it is closed, reset it.
        try {
          ({ id } = decodeRequest(frame));
        } catch {
          id = 0;
        }
        if (!reply(id, st.refusal() ?? notCheckedAnswer(refusedBy))) stream.abort(new Error(`client stream refused: ${refusedBy === 'source' ? 'source penalized' : 'too many invalid envelopes'}`));
        else refuse(refusedBy);
        return;
      }
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
      // Frames queued by a source penalized since the stream opened: answered, not checked.
      const refusal = st.refusal();
      if (refusal !== null) {
        reply(id, refusal);
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
      answer(req, st).then(
        (res) => reply(id, res),
        (e: unknown) => {
          // A receipt or roots this replica does not hold (storage PrunedError: below its low-water
          // mark, or a stale seq): say so; retrying here will not help, another replica may have it.
          if (e instanceof Error && e.name === 'PrunedError') return reply(id, { kind: 'error', code: 'not-stored', message: e.message });
          log?.error({ err: e instanceof Error ? e.message : String(e), kind: req.kind }, 'client request failed');
          reply(id, { kind: 'error', code: 'internal', message: 'the replica failed to answer this request' });
        },
      ).finally(() => {
        inFlight--;
        if (inputEnded && inFlight === 0) writer.closeWhenDrained();
      });
    };

    // A new stream from a penalized source is told why at once (request id 0, the SDK ignores it)
    // and closed after a short grace in which its first requests are answered (the SDK shows those).
    const refusal = penalizedAnswer(source);
    if (refusal !== null) {
      reply(0, refusal);
      refuse('source', REFUSED_STREAM_GRACE_MS);
    }

    void readFrames(stream, onFrame, MAX_REQUEST_FRAME_BYTES).then((end) => {
      open.delete(stream);
      clearTimeout(closeTimer);
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

  await host.handle(CLIENT_PROTOCOL, (stream, connection) => onStream(stream, connection), {
    maxInboundStreams: opts.maxStreamsPerConnection ?? 32,
  });

  return {
    counts,
    penalties,
    async close() {
      await host.unhandle(CLIENT_PROTOCOL);
      for (const s of open) s.abort(new Error('client service closed'));
      open.clear();
    },
  };
}
