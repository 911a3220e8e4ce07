// Encoding of the client protocol (node/proto/client.proto) to and from typed values. Decoding is
// strict: a frame that is not a well-formed request/response with sane field shapes raises
// `ClientCodecError`, which the service turns into a counted drop (never a crash).
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { decodeHybridSignature, encodeHybridSignature } from '../../crypto/hybrid.js';
import type { ReceiptRecord, ReplicaStatus, SignedRoots } from '../replica/services.js';

export class ClientCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientCodecError';
  }
}

/** `penalized`: the client's source address sent too many invalid envelopes and is refused for a while. */
/** `not-stored`: this replica does not hold that receipt or those roots (pruned, below an installed snapshot, or a stale seq); another replica may. */
export type ErrorCode = 'bad-request' | 'bad-envelope' | 'busy' | 'unsupported' | 'internal' | 'penalized' | 'not-stored';
const ERROR_CODES: readonly string[] = ['bad-request', 'bad-envelope', 'busy', 'unsupported', 'internal', 'penalized', 'not-stored'];

export type ClientRequest =
  | { kind: 'submit'; envelope: Uint8Array; wait: boolean; timeoutMs: number }
  | { kind: 'awaitReceipt'; client: string; seq: number; timeoutMs: number }
  | { kind: 'signedRoots'; height: number; timeoutMs: number }
  | { kind: 'status' }
  | { kind: 'localRead'; key: string };

export type ClientResponse =
  | { kind: 'error'; code: ErrorCode; message: string }
  | { kind: 'accepted'; client: string; seq: number }
  | { kind: 'receipt'; receipt: ReceiptRecord }
  | { kind: 'signedRoots'; roots: SignedRoots }
  | { kind: 'status'; status: ReplicaStatus }
  | { kind: 'read'; value: CanonicalValue | null }
  | { kind: 'timedOut' };

const root = protobuf.parse(readFileSync(new URL('../proto/client.proto', import.meta.url), 'utf8')).root;
const RequestType = root.lookupType('knhk.client.Request');
const ResponseType = root.lookupType('knhk.client.Response');

const HASH_BYTES = 32;
const MAX_PROOF_PATH = 64;

// protobufjs decodes uint64 as a Long when the `long` package is present, else as a number.
interface LongLike {
  toNumber(): number;
  high: number;
}
function safeInt(v: unknown, field: string): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (v !== null && typeof v === 'object' && 'toNumber' in v) {
    const l = v as LongLike;
    if (l.high < 0 || l.high >= 0x200000) throw new ClientCodecError(`${field} exceeds 2^53`);
    n = l.toNumber();
  } else if (v === undefined || v === null) n = 0;
  else throw new ClientCodecError(`${field} is not an integer`);
  if (!Number.isSafeInteger(n) || n < 0) throw new ClientCodecError(`${field} is not a safe non-negative integer`);
  return n;
}

function bytes(v: unknown, field: string, len?: number): Uint8Array {
  const b = v instanceof Uint8Array ? v : new Uint8Array(0);
  if (len !== undefined && b.length !== len) throw new ClientCodecError(`${field} must be ${len} bytes, got ${b.length}`);
  // A copy: decoded fields are views into the frame, which the reader may reuse.
  return new Uint8Array(b);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

type Msg = Record<string, unknown>;

export function encodeRequest(id: number, req: ClientRequest): Uint8Array {
  let body: Msg;
  switch (req.kind) {
    case 'submit':
      body = { submit: { envelope: req.envelope, wait: req.wait, timeoutMs: req.timeoutMs } };
      break;
    case 'awaitReceipt':
      body = { awaitReceipt: { client: req.client, seq: req.seq, timeoutMs: req.timeoutMs } };
      break;
    case 'signedRoots':
      body = { signedRoots: { height: req.height, timeoutMs: req.timeoutMs } };
      break;
    case 'status':
      body = { status: {} };
      break;
    case 'localRead':
      body = { localRead: { key: req.key } };
      break;
  }
  return RequestType.encode(RequestType.fromObject({ id, ...body })).finish();
}

export function decodeRequest(frame: Uint8Array): { id: number; req: ClientRequest } {
  let m: Msg;
  try {
    m = RequestType.decode(frame) as unknown as Msg;
  } catch (e) {
    throw new ClientCodecError(`malformed request: ${(e as Error).message}`);
  }
  const id = safeInt(m.id, 'id');
  if (m.submit) {
    const s = m.submit as Msg;
    return { id, req: { kind: 'submit', envelope: bytes(s.envelope, 'envelope'), wait: s.wait === true, timeoutMs: safeInt(s.timeoutMs, 'timeoutMs') } };
  }
  if (m.awaitReceipt) {
    const a = m.awaitReceipt as Msg;
    return { id, req: { kind: 'awaitReceipt', client: str(a.client), seq: safeInt(a.seq, 'seq'), timeoutMs: safeInt(a.timeoutMs, 'timeoutMs') } };
  }
  if (m.signedRoots) {
    const g = m.signedRoots as Msg;
    return { id, req: { kind: 'signedRoots', height: safeInt(g.height, 'height'), timeoutMs: safeInt(g.timeoutMs, 'timeoutMs') } };
  }
  if (m.status) return { id, req: { kind: 'status' } };
  if (m.localRead) return { id, req: { kind: 'localRead', key: str((m.localRead as Msg).key) } };
  throw new ClientCodecError('request has no body');
}

export function encodeResponse(id: number, res: ClientResponse): Uint8Array {
  let body: Msg;
  switch (res.kind) {
    case 'error':
      body = { error: { code: res.code, message: res.message } };
      break;
    case 'accepted':
      body = { accepted: { client: res.client, seq: res.seq } };
      break;
    case 'timedOut':
      body = { timedOut: {} };
      break;
    case 'receipt': {
      const r = res.receipt;
      body = {
        receipt: {
          height: r.height,
          blockHash: r.blockHash,
          index: r.index,
          receiptBytes: r.receiptBytes,
          proofIndex: r.proof.index,
          proofSize: r.proof.size,
          proofPath: r.proof.path,
          receiptsRoot: r.receiptsRoot,
          stateRoot: r.stateRoot,
        },
      };
      break;
    }
    case 'signedRoots': {
      const s = res.roots;
      body = {
        signedRoots: {
          replica: s.replica,
          height: s.height,
          blockHash: s.blockHash,
          receiptsRoot: s.receiptsRoot,
          stateRoot: s.stateRoot,
          signature: encodeHybridSignature(s.signature),
          ...(s.batch === undefined ? {} : { batchIndex: s.batch.index, batchSize: s.batch.size, batchPath: s.batch.path }),
        },
      };
      break;
    }
    case 'status': {
      const s = res.status;
      body = {
        status: {
          id: s.id,
          height: s.height,
          executedHeight: s.executedHeight,
          view: s.view,
          leader: s.leader,
          peers: s.peers,
          mempool: s.mempool,
          lag: s.lag,
        },
      };
      break;
    }
    case 'read':
      body = { read: res.value === null ? { found: false } : { found: true, value: canonicalEncode(res.value) } };
      break;
  }
  return ResponseType.encode(ResponseType.fromObject({ id, ...body })).finish();
}

export function decodeResponse(frame: Uint8Array): { id: number; res: ClientResponse } {
  let m: Msg;
  try {
    m = ResponseType.decode(frame) as unknown as Msg;
  } catch (e) {
    throw new ClientCodecError(`malformed response: ${(e as Error).message}`);
  }
  const id = safeInt(m.id, 'id');
  if (m.error) {
    const e = m.error as Msg;
    const code = str(e.code);
    return { id, res: { kind: 'error', code: (ERROR_CODES.includes(code) ? code : 'internal') as ErrorCode, message: str(e.message) } };
  }
  if (m.accepted) {
    const a = m.accepted as Msg;
    return { id, res: { kind: 'accepted', client: str(a.client), seq: safeInt(a.seq, 'seq') } };
  }
  if (m.timedOut) return { id, res: { kind: 'timedOut' } };
  if (m.receipt) {
    const r = m.receipt as Msg;
    const path = Array.isArray(r.proofPath) ? r.proofPath : [];
    if (path.length > MAX_PROOF_PATH) throw new ClientCodecError(`proof path of ${path.length} hashes is too long`);
    return {
      id,
      res: {
        kind: 'receipt',
        receipt: {
          height: safeInt(r.height, 'height'),
          blockHash: bytes(r.blockHash, 'blockHash', HASH_BYTES),
          index: safeInt(r.index, 'index'),
          receiptBytes: bytes(r.receiptBytes, 'receiptBytes'),
          proof: {
            index: safeInt(r.proofIndex, 'proofIndex'),
            size: safeInt(r.proofSize, 'proofSize'),
            path: path.map((p, i) => bytes(p, `proofPath[${i}]`, HASH_BYTES)),
          },
          receiptsRoot: bytes(r.receiptsRoot, 'receiptsRoot', HASH_BYTES),
          stateRoot: bytes(r.stateRoot, 'stateRoot', HASH_BYTES),
        },
      },
    };
  }
  if (m.signedRoots) {
    const s = m.signedRoots as Msg;
    let signature;
    try {
      signature = decodeHybridSignature(bytes(s.signature, 'signature'));
    } catch (e) {
      throw new ClientCodecError(`bad signature encoding: ${(e as Error).message}`);
    }
    const batchPath = Array.isArray(s.batchPath) ? s.batchPath : [];
    if (batchPath.length > MAX_PROOF_PATH) throw new ClientCodecError(`batch proof path of ${batchPath.length} hashes is too long`);
    const batchSize = s.batchSize === undefined ? 0 : safeInt(s.batchSize, 'batchSize');
    const batch =
      batchSize === 0
        ? undefined
        : { index: safeInt(s.batchIndex ?? 0, 'batchIndex'), size: batchSize, path: batchPath.map((p, i) => bytes(p, `batchPath[${i}]`, HASH_BYTES)) };
    return {
      id,
      res: {
        kind: 'signedRoots',
        roots: {
          replica: safeInt(s.replica, 'replica'),
          height: safeInt(s.height, 'height'),
          blockHash: bytes(s.blockHash, 'blockHash', HASH_BYTES),
          receiptsRoot: bytes(s.receiptsRoot, 'receiptsRoot', HASH_BYTES),
          stateRoot: bytes(s.stateRoot, 'stateRoot', HASH_BYTES),
          signature,
          ...(batch === undefined ? {} : { batch }),
        },
      },
    };
  }
  if (m.status) {
    const s = m.status as Msg;
    const peers = Array.isArray(s.peers) ? s.peers.map((p, i) => safeInt(p, `peers[${i}]`)) : [];
    return {
      id,
      res: {
        kind: 'status',
        status: {
          id: safeInt(s.id, 'status.id'),
          height: safeInt(s.height, 'height'),
          executedHeight: safeInt(s.executedHeight, 'executedHeight'),
          view: safeInt(s.view, 'view'),
          leader: safeInt(s.leader, 'leader'),
          peers,
          mempool: safeInt(s.mempool, 'mempool'),
          lag: safeInt(s.lag, 'lag'),
        },
      },
    };
  }
  if (m.read) {
    const r = m.read as Msg;
    if (r.found !== true) return { id, res: { kind: 'read', value: null } };
    try {
      return { id, res: { kind: 'read', value: canonicalDecode(bytes(r.value, 'value')) } };
    } catch (e) {
      throw new ClientCodecError(`bad read value: ${(e as Error).message}`);
    }
  }
  throw new ClientCodecError('response has no body');
}
