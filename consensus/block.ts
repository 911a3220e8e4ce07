// Block identity: the hash over a fixed-layout header, computed once per block per replica. The
// header binds the commands through one flat digest of their length-prefixed bytes (one SHA-256
// pass per block: consensus needs no per-command inclusion proofs; receipts carry their own Merkle
// proofs). The justify QC is bound by (view, height, blockHash), not by its signatures, so two
// valid QCs for the same parent give the same block.
import { Tag, hashTagged, sha256, tagPrefix } from '../crypto/hash.js';
import { utf8 } from '../crypto/bytes.js';
import type { Block, Command, ExecutedRoots, Hash, QuorumCert, ReplicaId, View } from './types.js';

export const HASH_LENGTH = 32;

/** The genesis block's hash: a constant every replica agrees on without a QC. */
export const GENESIS_HASH: Hash = hashTagged(Tag.block, utf8('genesis'));

/** The genesis QC: view 0, height 0, no votes, valid by definition. */
export function genesisQc(): QuorumCert {
  return { view: 0, height: 0, blockHash: GENESIS_HASH, votes: [] };
}

/** The genesis block (height 0, view 0); never proposed, never executed. */
export function genesisBlock(): Block {
  return {
    view: 0,
    height: 0,
    parent: new Uint8Array(HASH_LENGTH),
    justify: genesisQc(),
    proposer: 0,
    commands: [],
    executed: null,
    hash: GENESIS_HASH,
  };
}

function writeU64(view: DataView, at: number, value: number): number {
  view.setUint32(at, Math.floor(value / 0x1_0000_0000));
  view.setUint32(at + 4, value >>> 0);
  return at + 8;
}

/**
 * Digest of a batch: H(batch || for each command: u32 len client | client | u64 seq | u32 len bytes | bytes).
 * Laid out in one buffer and hashed in one call: every receiver recomputes it over every command of
 * every proposal, and one native call per part (two per command) cost more than the hashing.
 */
export function commandsDigest(commands: Command[]): Hash {
  const prefix = tagPrefix(Tag.batch);
  // An upper bound (a UTF-16 unit is at most 3 UTF-8 bytes); the digest covers only what is written.
  let size = prefix.length;
  for (let i = 0; i < commands.length; i++) size += 16 + 3 * commands[i].client.length + commands[i].bytes.length;
  const buf = new Uint8Array(size);
  buf.set(prefix, 0);
  let at = prefix.length;
  for (let k = 0; k < commands.length; k++) {
    const c = commands[k];
    const client = c.client;
    // Client ids are hex key ids: copy ASCII directly, fall back to a UTF-8 encoder otherwise.
    let i = 0;
    for (; i < client.length; i++) {
      const code = client.charCodeAt(i);
      if (code >= 0x80) break;
      buf[at + 4 + i] = code;
    }
    const clientLength = i < client.length ? utf8Encoder.encodeInto(client, buf.subarray(at + 4)).written : client.length;
    putU32(buf, at, clientLength);
    at += 4 + clientLength;
    putU32(buf, at, Math.floor(c.seq / 0x1_0000_0000) >>> 0);
    putU32(buf, at + 4, c.seq >>> 0);
    putU32(buf, at + 8, c.bytes.length);
    at += 12;
    buf.set(c.bytes, at);
    at += c.bytes.length;
  }
  return sha256(buf.subarray(0, at));
}

const utf8Encoder = new TextEncoder();

function putU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = v >>> 16;
  buf[at + 2] = v >>> 8;
  buf[at + 3] = v;
}

// view, height, proposer, parent, justify (view, height, hash), commands digest, executed flag + roots.
const HEADER_BYTES = 8 * 3 + 32 + (8 * 2 + 32) + 32 + 1 + (8 + 32 * 3);

/** The block's identity. Receivers recompute it once and drop a block whose `hash` differs. */
export function blockHash(block: Omit<Block, 'hash'>): Hash {
  const header = new Uint8Array(HEADER_BYTES);
  const dv = new DataView(header.buffer);
  let at = writeU64(dv, 0, block.view);
  at = writeU64(dv, at, block.height);
  at = writeU64(dv, at, block.proposer);
  header.set(block.parent, at);
  at += 32;
  at = writeU64(dv, at, block.justify.view);
  at = writeU64(dv, at, block.justify.height);
  header.set(block.justify.blockHash, at);
  at += 32;
  header.set(commandsDigest(block.commands), at);
  at += 32;
  const ex: ExecutedRoots | null = block.executed;
  header[at++] = ex === null ? 0 : 1;
  if (ex !== null) {
    at = writeU64(dv, at, ex.height);
    header.set(ex.blockHash, at);
    header.set(ex.stateRoot, at + 32);
    header.set(ex.receiptsRoot, at + 64);
  }
  return hashTagged(Tag.block, header);
}

/** Build a block and compute its hash (the proposer's single hashing of it). */
export function makeBlock(fields: {
  view: View;
  justify: QuorumCert;
  proposer: ReplicaId;
  commands: Command[];
  executed: ExecutedRoots | null;
}): Block {
  const unhashed = {
    view: fields.view,
    height: fields.justify.height + 1,
    parent: fields.justify.blockHash,
    justify: fields.justify,
    proposer: fields.proposer,
    commands: fields.commands,
    executed: fields.executed,
  };
  return { ...unhashed, hash: blockHash(unhashed) };
}

/**
 * Stable string key of a hash, for maps: one char per byte (a bijection for equal lengths, and keys
 * of different lengths never collide). Built in one call: the hex form cost a 64-piece string
 * concatenation that every map lookup then had to flatten. Only ever a map key, never shown.
 */
export function hashKey(h: Hash): string {
  return String.fromCharCode.apply(null, h as unknown as number[]);
}

/** Stable map key of a command's identity (client, seq). */
export function commandKey(c: { client: string; seq: number }): string {
  return `${c.seq}:${c.client}`;
}
