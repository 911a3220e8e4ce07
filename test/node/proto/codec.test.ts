import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Block, Message, QuorumCert } from '../../../consensus/types.js';
import { decodeConsensusMessage, encodeConsensusMessage, type WireLimits } from '../../../node/proto/consensus-codec.js';
import { decodeSyncFrame, encodeSyncFrame, type SyncFrame } from '../../../node/proto/sync-codec.js';
import { ConsensusFrameType } from '../../../node/proto/schema.js';

const lim: WireLimits & { maxSnapshotBytes: number } = { n: 4, maxCommands: 100, maxCommandBytes: 1024, maxSyncBlocks: 8, maxSnapshotBytes: 1 << 20 };
const h = (b: number) => new Uint8Array(32).fill(b);
const BIG = 2 ** 53 - 1;

function qc(view: number): QuorumCert {
  return { view, height: view, blockHash: h(view & 0xff), votes: [0, 1, 2].map((voter) => ({ voter, signature: new Uint8Array(randomBytes(64)) })) };
}

function block(view: number, withExec: boolean): Block {
  return {
    view,
    height: BIG,
    parent: h(1),
    justify: qc(view - 1),
    proposer: 3,
    commands: [{ client: 'ab'.repeat(32), seq: BIG, bytes: new Uint8Array([1, 2, 3]) }, { client: 'c', seq: 0, bytes: new Uint8Array(0) }],
    executed: withExec ? { height: 7, blockHash: h(2), stateRoot: h(3), receiptsRoot: h(4) } : null,
    hash: h(9),
  };
}

// Buffers from protobufjs compare equal to Uint8Arrays by content only after normalising.
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function roundTrip(m: Message): void {
  const r = decodeConsensusMessage(encodeConsensusMessage(m), lim);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.deepEqual(plain(r.value), plain(m));
}

describe('node/proto codec', () => {
  it('round-trips every consensus message type, including heights near 2^53 and null optionals', () => {
    roundTrip({ type: 'proposal', block: block(5, true), tc: null, signature: h(7) });
    roundTrip({ type: 'proposal', block: block(6, false), tc: { view: 5, timeouts: [{ voter: 1, highQcView: BIG, signature: h(1) }] }, signature: h(7) });
    roundTrip({ type: 'vote', vote: { view: BIG, height: 0, blockHash: h(3), voter: 2, signature: h(4) } });
    roundTrip({ type: 'timeout', timeout: { view: 9, highQc: qc(8), voter: 0, signature: h(5) }, lastTc: null });
    roundTrip({ type: 'syncRequest', blockHash: h(6), maxBlocks: 8 });
    roundTrip({ type: 'syncResponse', blocks: [block(3, false), block(4, true)] });
    roundTrip({ type: 'forward', commands: [{ client: 'x', seq: 12, bytes: new Uint8Array([9]) }] });
  });

  it('refuses to encode a bigint or unsafe number instead of silently writing 0', () => {
    const bad = { type: 'vote', vote: { view: 5n, height: 0, blockHash: h(3), voter: 2, signature: h(4) } } as unknown as Message;
    assert.throws(() => encodeConsensusMessage(bad), /safe non-negative integer/);
    const big = { type: 'vote', vote: { view: 2 ** 60, height: 0, blockHash: h(3), voter: 2, signature: h(4) } } as Message;
    assert.throws(() => encodeConsensusMessage(big), /safe non-negative integer/);
  });

  it('rejects a uint64 above 2^53 on the wire (Long) rather than rounding it', () => {
    // Encode through protobufjs directly with a Long-sized value.
    const bytes = ConsensusFrameType.encode({ vote: { view: { low: 0, high: 0x00400000, unsigned: true }, height: 1, blockHash: h(1), voter: 0, signature: h(1) } }).finish();
    const r = decodeConsensusMessage(bytes, lim);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /exceeds 2\^53/);
  });

  it('rejects out-of-bounds fields with a reason: bad hash length, replica id, counts, sizes', () => {
    const cases: Array<[Message, RegExp]> = [
      [{ type: 'vote', vote: { view: 1, height: 1, blockHash: new Uint8Array(31), voter: 0, signature: h(1) } }, /blockHash: must be 32/],
      [{ type: 'vote', vote: { view: 1, height: 1, blockHash: h(1), voter: 4, signature: h(1) } }, /replica 4 outside/],
      [{ type: 'vote', vote: { view: 1, height: 1, blockHash: h(1), voter: 0, signature: new Uint8Array(0) } }, /empty signature/],
      [{ type: 'forward', commands: Array.from({ length: 101 }, (_, i) => ({ client: 'a', seq: i, bytes: new Uint8Array(0) })) }, /exceeds 100/],
      [{ type: 'forward', commands: [{ client: 'a', seq: 1, bytes: new Uint8Array(2000) }] }, /exceeds 1024/],
      [{ type: 'syncRequest', blockHash: h(1), maxBlocks: 9 }, /outside 1\.\.8/],
    ];
    for (const [m, re] of cases) {
      const r = decodeConsensusMessage(encodeConsensusMessage(m), lim);
      assert.equal(r.ok, false, `accepted ${JSON.stringify(m.type)}`);
      assert.match(!r.ok ? r.reason : '', re);
    }
  });

  it('never throws on random garbage or truncations, and reports why', () => {
    const good = encodeConsensusMessage({ type: 'proposal', block: block(5, true), tc: null, signature: h(7) });
    for (let i = 0; i < 300; i++) {
      const junk = new Uint8Array(randomBytes(1 + (i % 200)));
      const r = decodeConsensusMessage(junk, lim);
      if (!r.ok) assert.ok(r.reason.length > 0);
      const cut = decodeConsensusMessage(good.subarray(0, i % good.length), lim);
      if (!cut.ok) assert.ok(cut.reason.length > 0);
    }
    assert.equal(decodeConsensusMessage(new Uint8Array(0), lim).ok, false, 'an empty frame has no body');
  });

  it('round-trips sync frames and bounds snapshots', () => {
    const frames: SyncFrame[] = [
      { type: 'statusRequest' },
      { type: 'statusResponse', committedHeight: BIG, executedHeight: 5, view: 9, lowestBlockHeight: 1, snapshotHeight: 0 },
      { type: 'blocksRequest', fromHeight: 17, maxBlocks: 8 },
      { type: 'blocksResponse', blocks: [{ block: block(3, true), qc: qc(4) }] },
      { type: 'snapshotRequest' },
      { type: 'snapshotResponse', at: { block: block(3, false), qc: qc(3) }, stateRoot: h(1), receiptsRoot: h(2), snapshot: new Uint8Array([1, 2]) },
      { type: 'error', message: 'no snapshot' },
    ];
    for (const f of frames) {
      const r = decodeSyncFrame(encodeSyncFrame(f), lim);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.deepEqual(plain(r.value), plain(f));
    }
    const huge = encodeSyncFrame({ type: 'snapshotResponse', at: { block: block(3, false), qc: qc(3) }, stateRoot: h(1), receiptsRoot: h(2), snapshot: new Uint8Array((1 << 20) + 1) });
    assert.equal(decodeSyncFrame(huge, lim).ok, false);
  });
});

describe('node/proto codec: command errors name the command', () => {
  it('reports the list and index of a defective command in a forward or a proposal', () => {
    const fwd = encodeConsensusMessage({ type: 'forward', commands: [{ client: 'x', seq: 1, bytes: new Uint8Array([1]) }, { client: '', seq: 2, bytes: new Uint8Array([1]) }] });
    assert.deepEqual(decodeConsensusMessage(fwd, lim), { ok: false, reason: 'forward.commands[1].client: empty' });
    const b = block(5, false);
    const big = { ...b, commands: [b.commands[0], { client: 'y', seq: 3, bytes: new Uint8Array(2000) }] };
    const prop = encodeConsensusMessage({ type: 'proposal', block: big, tc: null, signature: h(7) });
    assert.deepEqual(decodeConsensusMessage(prop, lim), { ok: false, reason: 'proposal.block.commands[1].bytes: 2000 bytes exceeds 1024' });
    const long = encodeConsensusMessage({ type: 'forward', commands: [{ client: 'z'.repeat(300), seq: 1, bytes: new Uint8Array([1]) }] });
    assert.deepEqual(decodeConsensusMessage(long, lim), { ok: false, reason: 'forward.commands[0].client: longer than 256' });
  });
});
