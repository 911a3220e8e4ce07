// Constants of the client protocol shared by the replica-side service and the SDK.

/** libp2p protocol id of the client service (node/proto/client.proto over length-prefixed frames). */
export const CLIENT_PROTOCOL = '/knhk/client/1';
/** Largest request frame a replica reads: one envelope (≤ 64 KiB) plus framing. */
export const MAX_REQUEST_FRAME_BYTES = 128 * 1024;
/** Largest response frame a client reads: a receipt with its output and proof, or signed roots. */
export const MAX_RESPONSE_FRAME_BYTES = 1024 * 1024;
/** Longest a replica holds a request open (waits for receipts or signed roots) whatever the client asks. */
export const MAX_WAIT_MS = 60_000;
/** Most requests one client stream may have open at once before the replica answers `busy`. */
export const MAX_IN_FLIGHT_PER_STREAM = 4096;
/**
 * Envelopes failing their checks on one stream before the replica closes it. A bad signature is
 * the expensive case (OpenSSL rejects, then the ZIP-215 rule is checked in JS: ~14x a valid
 * check), so a client sending them keeps costing only while it pays for new streams/handshakes.
 */
export const MAX_BAD_ENVELOPES_PER_STREAM = 16;
/**
 * Envelope checks one client stream runs at once; the rest of its requests wait. Bounds the thread-
 * pool work a burst queues before the stream's limit is seen (a bad burst then stops, and the costly
 * synchronous ZIP-215 confirmation never runs past the limit). 256 keeps an honest stream's checks
 * batched: a bound of 16 cost +17% CPU per command in the admission benchmark.
 */
export const MAX_CHECKS_IN_FLIGHT_PER_STREAM = 256;
/**
 * Invalid envelopes one source (IP address, IPv6 /64) may send at once, across all its streams and
 * connections, before it is penalized (source-penalty.ts). Honest clients send none; 64 is four
 * streams' worth, so a client with a bug is told on its stream long before its address is refused.
 */
export const SOURCE_BAD_ENVELOPE_BURST = 64;
/** Invalid envelopes per second a source may send in the long run (~2 ms of replica CPU per second). */
export const SOURCE_BAD_ENVELOPE_REFILL_PER_S = 1;
/** How long a penalized source's client streams and requests are refused; it then expires by itself. */
export const SOURCE_PENALTY_MS = 60_000;
/** Sources remembered by the penalty table (only those that sent an invalid envelope); oldest forgotten first. */
export const MAX_PENALIZED_SOURCES = 4096;
