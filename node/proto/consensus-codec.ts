// consensus/types.ts Message <-> ConsensusFrame bytes. Decoding never throws: it returns a verdict
// with a reason, and rejects anything out of bounds (counts, sizes, hash lengths, integers beyond
// 2^53) before the core sees it. The core re-checks shapes (consensus/shape.ts): defence in depth.
import type { Block, Command, ExecutedRoots, Message, QuorumCert, TimeoutCert, TimeoutMsg, Vote } from '../../consensus/types.js';
import { ConsensusFrameType } from './schema.js';
import { outNumber, WireDecodeError, wireArray, wireBytes, wireMessage, wireNumber, wireOptional, wireString } from './wire-values.js';

export interface WireLimits {
  /** Validators: bounds votes per certificate and replica ids. */
  n: number;
  /** Most commands in one block or forward. */
  maxCommands: number;
  /** Largest single command envelope. */
  maxCommandBytes: number;
  /** Most blocks in one sync response. */
  maxSyncBlocks: number;
}

export const HASH_BYTES = 32;
const MAX_SIG_BYTES = 4096;
const MAX_CLIENT_CHARS = 256;

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

// ---- encode (plain objects; protobufjs encodes them without fromObject) ----

function cmdOut(c: Command) {
  return { client: c.client, seq: outNumber(c.seq, 'command.seq'), bytes: c.bytes };
}

function qcOut(qc: QuorumCert) {
  return {
    view: outNumber(qc.view, 'qc.view'),
    height: outNumber(qc.height, 'qc.height'),
    blockHash: qc.blockHash,
    votes: qc.votes.map((v) => ({ voter: v.voter, signature: v.signature })),
  };
}

function tcOut(tc: TimeoutCert | null) {
  if (tc === null) return undefined;
  return { view: outNumber(tc.view, 'tc.view'), timeouts: tc.timeouts.map((t) => ({ voter: t.voter, highQcView: outNumber(t.highQcView, 'tc.highQcView'), signature: t.signature })) };
}

function executedOut(e: ExecutedRoots | null) {
  if (e === null) return undefined;
  return { height: outNumber(e.height, 'executed.height'), blockHash: e.blockHash, stateRoot: e.stateRoot, receiptsRoot: e.receiptsRoot };
}

export function blockOut(b: Block) {
  return {
    view: outNumber(b.view, 'block.view'),
    height: outNumber(b.height, 'block.height'),
    parent: b.parent,
    justify: qcOut(b.justify),
    proposer: b.proposer,
    commands: b.commands.map(cmdOut),
    executed: executedOut(b.executed),
    hash: b.hash,
  };
}

export { qcOut };

function frameOut(m: Message): Record<string, unknown> {
  switch (m.type) {
    case 'proposal':
      return { proposal: { block: blockOut(m.block), tc: tcOut(m.tc), signature: m.signature } };
    case 'vote': {
      const v = m.vote;
      return { vote: { view: outNumber(v.view, 'vote.view'), height: outNumber(v.height, 'vote.height'), blockHash: v.blockHash, voter: v.voter, signature: v.signature } };
    }
    case 'timeout': {
      const t = m.timeout;
      return { timeout: { timeout: { view: outNumber(t.view, 'timeout.view'), highQc: qcOut(t.highQc), voter: t.voter, signature: t.signature }, lastTc: tcOut(m.lastTc) } };
    }
    case 'syncRequest':
      return { syncRequest: { blockHash: m.blockHash, maxBlocks: m.maxBlocks } };
    case 'syncResponse':
      return { syncResponse: { blocks: m.blocks.map(blockOut) } };
    case 'forward':
      return { forward: { commands: m.commands.map(cmdOut) } };
  }
}

export function encodeConsensusMessage(m: Message): Uint8Array {
  return ConsensusFrameType.encode(frameOut(m)).finish();
}

// ---- decode ----

function replica(v: unknown, field: string, lim: WireLimits): number {
  const r = wireNumber(v ?? 0, field);
  if (r >= lim.n) throw new WireDecodeError(`${field}: replica ${r} outside 0..${lim.n - 1}`);
  return r;
}

const hash = (v: unknown, field: string) => wireBytes(v, field, HASH_BYTES, HASH_BYTES);
const sig = (v: unknown, field: string) => {
  const s = wireBytes(v, field, MAX_SIG_BYTES);
  if (s.length === 0) throw new WireDecodeError(`${field}: empty signature`);
  return s;
};

/**
 * Command `i` of the list at `list` (e.g. `proposal.block.commands`). A well-formed command is
 * taken as it is; the field names an error reports (`proposal.block.commands[3].client`) are built
 * only when a check fails: a block carries hundreds of commands, and four names per command were
 * most of what decoding one allocated.
 */
function cmdAt(raw: unknown, list: string, i: number, lim: WireLimits): Command {
  if (typeof raw === 'object' && raw !== null) {
    const o = raw as Record<string, unknown>;
    const client = o.client;
    const seq = o.seq ?? 0;
    const bytes = o.bytes;
    if (
      typeof client === 'string' && client.length > 0 && client.length <= MAX_CLIENT_CHARS &&
      typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 &&
      bytes instanceof Uint8Array && bytes.length <= lim.maxCommandBytes
    ) {
      return { client, seq, bytes };
    }
  }
  // Anything else (a defect, a uint64 seq decoded as a Long, omitted empty bytes): the full checks.
  return cmdIn(raw, `${list}[${i}]`, lim);
}

function cmdIn(raw: unknown, field: string, lim: WireLimits): Command {
  const o = wireMessage(raw, field);
  const client = wireString(o.client, `${field}.client`, MAX_CLIENT_CHARS);
  if (client.length === 0) throw new WireDecodeError(`${field}.client: empty`);
  return { client, seq: wireNumber(o.seq ?? 0, `${field}.seq`), bytes: wireBytes(o.bytes, `${field}.bytes`, lim.maxCommandBytes) };
}

function commandsIn(raw: unknown, field: string, lim: WireLimits): Command[] {
  const list = wireArray(raw, field, lim.maxCommands);
  const out = new Array<Command>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = cmdAt(list[i], field, i, lim);
  return out;
}

export function qcIn(raw: unknown, field: string, lim: WireLimits): QuorumCert {
  const o = wireMessage(raw, field);
  return {
    view: wireNumber(o.view ?? 0, `${field}.view`),
    height: wireNumber(o.height ?? 0, `${field}.height`),
    blockHash: hash(o.blockHash, `${field}.blockHash`),
    votes: wireArray(o.votes, `${field}.votes`, lim.n).map((v, i) => {
      const x = wireMessage(v, `${field}.votes[${i}]`);
      return { voter: replica(x.voter, `${field}.votes[${i}].voter`, lim), signature: sig(x.signature, `${field}.votes[${i}].signature`) };
    }),
  };
}

function tcIn(raw: unknown, field: string, lim: WireLimits): TimeoutCert | null {
  const o = wireOptional(raw);
  if (o === null) return null;
  return {
    view: wireNumber(o.view ?? 0, `${field}.view`),
    timeouts: wireArray(o.timeouts, `${field}.timeouts`, lim.n).map((t, i) => {
      const x = wireMessage(t, `${field}.timeouts[${i}]`);
      return {
        voter: replica(x.voter, `${field}.timeouts[${i}].voter`, lim),
        highQcView: wireNumber(x.highQcView ?? 0, `${field}.timeouts[${i}].highQcView`),
        signature: sig(x.signature, `${field}.timeouts[${i}].signature`),
      };
    }),
  };
}

function executedIn(raw: unknown, field: string): ExecutedRoots | null {
  const o = wireOptional(raw);
  if (o === null) return null;
  return {
    height: wireNumber(o.height ?? 0, `${field}.height`),
    blockHash: hash(o.blockHash, `${field}.blockHash`),
    stateRoot: hash(o.stateRoot, `${field}.stateRoot`),
    receiptsRoot: hash(o.receiptsRoot, `${field}.receiptsRoot`),
  };
}

export function blockIn(raw: unknown, field: string, lim: WireLimits): Block {
  const o = wireMessage(raw, field);
  return {
    view: wireNumber(o.view ?? 0, `${field}.view`),
    height: wireNumber(o.height ?? 0, `${field}.height`),
    parent: hash(o.parent, `${field}.parent`),
    justify: qcIn(o.justify, `${field}.justify`, lim),
    proposer: replica(o.proposer, `${field}.proposer`, lim),
    commands: commandsIn(o.commands, `${field}.commands`, lim),
    executed: executedIn(o.executed, `${field}.executed`),
    hash: hash(o.hash, `${field}.hash`),
  };
}

function voteIn(raw: unknown, lim: WireLimits): Vote {
  const o = wireMessage(raw, 'vote');
  return {
    view: wireNumber(o.view ?? 0, 'vote.view'),
    height: wireNumber(o.height ?? 0, 'vote.height'),
    blockHash: hash(o.blockHash, 'vote.blockHash'),
    voter: replica(o.voter, 'vote.voter', lim),
    signature: sig(o.signature, 'vote.signature'),
  };
}

function timeoutIn(raw: unknown, lim: WireLimits): TimeoutMsg {
  const o = wireMessage(raw, 'timeout.timeout');
  return {
    view: wireNumber(o.view ?? 0, 'timeout.view'),
    highQc: qcIn(o.highQc, 'timeout.highQc', lim),
    voter: replica(o.voter, 'timeout.voter', lim),
    signature: sig(o.signature, 'timeout.signature'),
  };
}

function messageIn(f: Record<string, unknown>, lim: WireLimits): Message {
  switch (f.body) {
    case 'proposal': {
      const p = wireMessage(f.proposal, 'proposal');
      return { type: 'proposal', block: blockIn(p.block, 'proposal.block', lim), tc: tcIn(p.tc, 'proposal.tc', lim), signature: sig(p.signature, 'proposal.signature') };
    }
    case 'vote':
      return { type: 'vote', vote: voteIn(f.vote, lim) };
    case 'timeout': {
      const t = wireMessage(f.timeout, 'timeout');
      return { type: 'timeout', timeout: timeoutIn(t.timeout, lim), lastTc: tcIn(t.lastTc, 'timeout.lastTc', lim) };
    }
    case 'syncRequest': {
      const s = wireMessage(f.syncRequest, 'syncRequest');
      const maxBlocks = wireNumber(s.maxBlocks ?? 0, 'syncRequest.maxBlocks');
      if (maxBlocks < 1 || maxBlocks > lim.maxSyncBlocks) throw new WireDecodeError(`syncRequest.maxBlocks: ${maxBlocks} outside 1..${lim.maxSyncBlocks}`);
      return { type: 'syncRequest', blockHash: hash(s.blockHash, 'syncRequest.blockHash'), maxBlocks };
    }
    case 'syncResponse': {
      const s = wireMessage(f.syncResponse, 'syncResponse');
      return { type: 'syncResponse', blocks: wireArray(s.blocks, 'syncResponse.blocks', lim.maxSyncBlocks).map((b, i) => blockIn(b, `syncResponse.blocks[${i}]`, lim)) };
    }
    case 'forward': {
      const s = wireMessage(f.forward, 'forward');
      return { type: 'forward', commands: commandsIn(s.commands, 'forward.commands', lim) };
    }
    default:
      throw new WireDecodeError('frame has no known body');
  }
}

/** Decodes one consensus frame; never throws. */
export function decodeConsensusMessage(bytes: Uint8Array, lim: WireLimits): DecodeResult<Message> {
  try {
    const frame = ConsensusFrameType.decode(bytes) as unknown as Record<string, unknown>;
    return { ok: true, value: messageIn(frame, lim) };
  } catch (e) {
    if (e instanceof WireDecodeError) return { ok: false, reason: e.message };
    // protobufjs throws RangeError/Error on truncated or mistyped input.
    return { ok: false, reason: `malformed protobuf: ${(e as Error).message}` };
  }
}
