import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block, QuorumCert, SafetyState } from '../../../consensus/types.js';
import { ReplicaStore } from '../../../node/storage/replica-store.js';
import { DATA_FORMAT, StoreCorruptError, StoreFormatError } from '../../../node/storage/records.js';
import { Level } from 'level';
import { readFileSync, writeFileSync } from 'node:fs';
import { SAFETY_FILE, SLOT_BYTES } from '../../../node/storage/safety-file.js';

function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
const h = (b: number) => new Uint8Array(32).fill(b);
const qc = (view: number, height: number): QuorumCert => ({ view, height, blockHash: h(height), votes: [{ voter: 1, signature: h(7) }, { voter: 2, signature: h(8) }] });
const block = (height: number): Block => ({
  view: height + 10,
  height,
  parent: h(height - 1),
  justify: qc(height + 9, height - 1),
  proposer: height % 4,
  commands: [{ client: 'c1', seq: height, bytes: new Uint8Array([height]) }],
  executed: null,
  hash: h(height),
});

describe('node/storage replica store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('marks a new database with its data format and refuses one of another format with a clear error', async () => {
    await (await ReplicaStore.open(dir)).close();
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    assert.deepEqual(Array.from((await db.get('meta:format'))!), [DATA_FORMAT]);
    // A database written before the marker existed (a tip, no marker) is format 1.
    await db.del('meta:format');
    await db.put('meta:tip', new Uint8Array(8));
    await db.close();
    await assert.rejects(ReplicaStore.open(dir), (e: Error) => e instanceof StoreFormatError && /format 1; this knhk reads format 2/.test(e.message) && e.message.includes(dir));
    const db2 = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db2.put('meta:format', Uint8Array.of(DATA_FORMAT + 1));
    await db2.close();
    await assert.rejects(ReplicaStore.open(dir), (e: Error) => e instanceof StoreFormatError && e.message.includes(`format ${DATA_FORMAT + 1}`));
    // The refusal left the database untouched and closed: it opens again (and is refused again).
    await assert.rejects(ReplicaStore.open(dir), StoreFormatError);
  });

  it('keeps safety state, commits and the receipts index across close and reopen', async () => {
    const safety: SafetyState = { highestVotedView: 42, lockedView: 40, highQc: qc(41, 3) };
    let s = await ReplicaStore.open(dir);
    assert.equal(s.tip, 0);
    assert.equal(await s.loadSafety(), null);
    await s.saveSafety(safety);
    for (let height = 1; height <= 3; height++) {
      await s.saveCommit({
        committed: { block: block(height), qc: qc(height + 11, height + 1) },
        execution: { height, blockHash: h(height), stateRoot: h(100 + height), receiptsRoot: h(200 + height), receiptBytes: [new Uint8Array([1, height])] },
        commands: [{ client: 'c1', seq: height, index: 0 }],
      });
    }
    await s.close();

    s = await ReplicaStore.open(dir);
    try {
      assert.equal(s.tip, 3);
      assert.deepEqual(plain(await s.loadSafety()), plain(safety));
      const c2 = await s.getCommitted(2);
      assert.equal(c2?.block.height, 2);
      assert.deepEqual(Array.from(c2!.block.hash), Array.from(h(2)));
      assert.equal(c2?.qc.view, 13);
      const e3 = await s.getExecution(3);
      assert.deepEqual(Array.from(e3!.stateRoot), Array.from(h(103)));
      assert.deepEqual(await s.lookupCommand('c1', 2), { height: 2, index: 0 });
      assert.equal(await s.lookupCommand('c1', 9), null);
      assert.equal(await s.getCommitted(4), null);
    } finally {
      await s.close();
    }
  });

  it('refuses a commit that skips a height (no partial state change)', async () => {
    const s = await ReplicaStore.open(dir);
    try {
      await assert.rejects(
        s.saveCommit({ committed: { block: block(2), qc: qc(12, 2) }, execution: { height: 2, blockHash: h(2), stateRoot: h(1), receiptsRoot: h(1), receiptBytes: [] }, commands: [] }),
        /does not follow tip 0/,
      );
      assert.equal(s.tip, 0);
      assert.equal(await s.getCommitted(2), null);
    } finally {
      await s.close();
    }
  });

  it('reports a corrupt record with a clear error instead of returning garbage', async () => {
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.put(`exec:${(1).toString(16).padStart(14, '0')}`, new Uint8Array([9, 9, 9]));
    await db.close();
    const s = await ReplicaStore.open(dir);
    try {
      await assert.rejects(s.getExecution(1), StoreCorruptError);
    } finally {
      await s.close();
    }
  });

  it('safety file: survives a torn last write, refuses to start when no slot is valid', async () => {
    const base: SafetyState = { highestVotedView: 7, lockedView: 5, highQc: qc(6, 2) };
    let s = await ReplicaStore.open(dir);
    await s.saveSafety(base);
    await s.saveSafety({ ...base, highestVotedView: 8 });
    await s.close();
    // Tear the newest slot (seq 2 lives in slot 0): the previous state must come back.
    const file = join(dir, SAFETY_FILE);
    const bytes = readFileSync(file);
    bytes[40] ^= 0xff;
    writeFileSync(file, bytes);
    s = await ReplicaStore.open(dir);
    assert.equal((await s.loadSafety())?.highestVotedView, 7);
    await s.close();
    // Damage both slots: the state is gone, and starting fresh could double-vote.
    bytes[SLOT_BYTES + 40] ^= 0xff;
    writeFileSync(file, bytes);
    await assert.rejects(ReplicaStore.open(dir), /no valid slot/);
  });
});
