// Structural checks of peer input. Drivers decode wire bytes into our types, but a Byzantine peer
// controls every field, so before anything is read the core checks types, lengths and bounds here.
// Each check returns null when fine or a short reason; none throws.
import type { Block, Command, ExecutedRoots, Message, QuorumCert, TimeoutCert } from './types.js';
import { HASH_LENGTH } from './block.js';

/** Limits the shape checks enforce, derived once from the config. */
export interface ShapeLimits {
  n: number;
  maxBatchCommands: number;
  maxBatchBytes: number;
  maxCommandBytes: number;
  maxSyncBlocks: number;
}

/** Signatures larger than this are malformed whatever the scheme (Ed25519: 64 B). */
export const MAX_SIGNATURE_BYTES = 4096;
/** Client ids are key ids (hex); anything longer is malformed. */
export const MAX_CLIENT_ID_CHARS = 256;

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isHash = (x: unknown): boolean => x instanceof Uint8Array && x.length === HASH_LENGTH;
const isSig = (x: unknown): boolean => x instanceof Uint8Array && x.length > 0 && x.length <= MAX_SIGNATURE_BYTES;
const isReplica = (x: unknown, n: number): boolean => isCount(x) && x < n;

export function checkCommand(c: Command, lim: ShapeLimits): string | null {
  if (c === null || typeof c !== 'object') return 'command is not an object';
  if (typeof c.client !== 'string' || c.client.length === 0 || c.client.length > MAX_CLIENT_ID_CHARS) return 'bad client id';
  if (!isCount(c.seq)) return 'bad command seq';
  if (!(c.bytes instanceof Uint8Array)) return 'command bytes missing';
  if (c.bytes.length > lim.maxCommandBytes) return 'command too large';
  return null;
}

export function checkQc(qc: QuorumCert, lim: ShapeLimits): string | null {
  if (qc === null || typeof qc !== 'object') return 'qc is not an object';
  if (!isCount(qc.view) || !isCount(qc.height) || !isHash(qc.blockHash)) return 'bad qc header';
  if (!Array.isArray(qc.votes) || qc.votes.length > lim.n) return 'bad qc votes';
  for (const v of qc.votes) if (v === null || typeof v !== 'object' || !isReplica(v.voter, lim.n) || !isSig(v.signature)) return 'bad qc vote';
  return null;
}

export function checkTc(tc: TimeoutCert, lim: ShapeLimits): string | null {
  if (tc === null || typeof tc !== 'object' || !isCount(tc.view)) return 'bad tc header';
  if (!Array.isArray(tc.timeouts) || tc.timeouts.length > lim.n) return 'bad tc timeouts';
  for (const t of tc.timeouts) {
    if (t === null || typeof t !== 'object' || !isReplica(t.voter, lim.n) || !isCount(t.highQcView) || !isSig(t.signature)) return 'bad tc entry';
  }
  return null;
}

function checkExecuted(e: ExecutedRoots): string | null {
  if (e === null || typeof e !== 'object') return 'bad executed roots';
  if (!isCount(e.height) || !isHash(e.blockHash) || !isHash(e.stateRoot) || !isHash(e.receiptsRoot)) return 'bad executed roots';
  return null;
}

export function checkBlock(b: Block, lim: ShapeLimits): string | null {
  if (b === null || typeof b !== 'object') return 'block is not an object';
  if (!isCount(b.view) || !isCount(b.height) || !isHash(b.parent) || !isHash(b.hash) || !isReplica(b.proposer, lim.n)) return 'bad block header';
  const qcProblem = checkQc(b.justify, lim);
  if (qcProblem !== null) return qcProblem;
  if (b.executed !== null && checkExecuted(b.executed) !== null) return 'bad executed roots';
  if (!Array.isArray(b.commands)) return 'commands missing';
  if (b.commands.length > lim.maxBatchCommands) return 'too many commands';
  let bytes = 0;
  for (const c of b.commands) {
    const p = checkCommand(c, lim);
    if (p !== null) return p;
    bytes += c.bytes.length;
  }
  if (bytes > lim.maxBatchBytes) return 'batch too large';
  return null;
}

/** Structural check of any message: null when it may be processed further. */
export function checkMessage(m: Message, lim: ShapeLimits): string | null {
  if (m === null || typeof m !== 'object') return 'message is not an object';
  switch (m.type) {
    case 'proposal':
      if (!isSig(m.signature)) return 'bad proposal signature';
      if (m.tc !== null && checkTc(m.tc, lim) !== null) return 'bad tc';
      return checkBlock(m.block, lim);
    case 'vote': {
      const v = m.vote;
      if (v === null || typeof v !== 'object') return 'vote is not an object';
      if (!isCount(v.view) || !isCount(v.height) || !isHash(v.blockHash) || !isReplica(v.voter, lim.n) || !isSig(v.signature)) return 'bad vote';
      return null;
    }
    case 'timeout': {
      const t = m.timeout;
      if (t === null || typeof t !== 'object' || !isCount(t.view) || !isReplica(t.voter, lim.n) || !isSig(t.signature)) return 'bad timeout';
      if (m.lastTc !== null && checkTc(m.lastTc, lim) !== null) return 'bad tc';
      return checkQc(t.highQc, lim);
    }
    case 'syncRequest':
      if (!isHash(m.blockHash) || !isCount(m.maxBlocks) || m.maxBlocks === 0) return 'bad sync request';
      return null;
    case 'syncResponse':
      if (!Array.isArray(m.blocks) || m.blocks.length > lim.maxSyncBlocks) return 'bad sync response';
      for (const b of m.blocks) {
        const p = checkBlock(b, lim);
        if (p !== null) return p;
      }
      return null;
    case 'forward':
      if (!Array.isArray(m.commands) || m.commands.length > lim.maxBatchCommands) return 'bad forward';
      for (const c of m.commands) {
        const p = checkCommand(c, lim);
        if (p !== null) return p;
      }
      return null;
    default:
      return 'unknown message type';
  }
}
