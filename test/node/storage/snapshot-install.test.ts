// A snapshot installed by catch-up (ReplicaStore.installSnapshot) raises the low-water mark to the
// snapshot height + 1 in the same batch: below it this replica holds no receipts and no index (only
// the snapshot's own block and roots, as its base). The mark only grows, survives reopening, and
// blocks kept from before the snapshot's gap are pruned later like any others.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuorumCert } from '../../../consensus/types.js';
import { ReplicaMetrics } from '../../../node/metrics/replica-metrics.js';
import { Pruner } from '../../../node/storage/pruner.js';
import { PrunedError } from '../../../node/storage/records.js';
import { ReplicaStore } from '../../../node/storage/replica-store.js';
import { block, commitChain, h } from './fixtures/prune-chain.js';

const qc = (height: number): QuorumCert => ({ view: height + 11, height, blockHash: h(height), votes: [{ voter: 1, signature: h(7) }] });

/** What catch-up stores for a verified peer snapshot at `height` (receipts of that height: none). */
function install(s: ReplicaStore, height: number): Promise<void> {
  const at = { block: block(height), qc: qc(height) };
  return s.installSnapshot(
    { at, stateRoot: h(100 + height), receiptsRoot: h(200 + height), state: new Uint8Array([height]) },
    { height, blockHash: h(height), stateRoot: h(100 + height), receiptsRoot: h(200 + height), receiptBytes: [] },
  );
}

describe('node/storage snapshot install and the low-water mark', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-install-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a fresh store: the mark becomes S + 1 with the install, reads below it are refused, and it survives reopening', async () => {
    let s = await ReplicaStore.open(dir);
    try {
      assert.equal(s.prunedBelow, 0);
      await install(s, 40);
      assert.equal(s.tip, 40);
      assert.equal(s.prunedBelow, 41, 'every height up to the snapshot lacks receipts and index here');
      // The tip's roots stay readable (recovery and the consensus core resume from them) ...
      assert.deepEqual(Array.from((await s.getExecution(40))?.stateRoot ?? []), Array.from(h(140)));
      // ... and the snapshot's block is kept: catch-up serving sends it along with the snapshot.
      assert.ok(await s.getCommitted(40));
      await assert.rejects(s.getExecution(39), (e: Error) => e instanceof PrunedError && e.lowWaterMark === 41 && /^receipts pruned: height 39 is below this replica's retention low-water mark 41$/.test(e.message));
      assert.equal(await s.getCommitted(39), null);
      // Commands of those heights are in no index here (the replica answers from its kernel's sequence).
      assert.equal(await s.lookupCommand('c1', 40), null);
      await commitChain(s, 41, 43, 1000);
      await assert.rejects(s.getExecution(40), PrunedError, 'no longer the tip: below the mark like any other height');
      assert.equal((await s.getExecution(41))?.height, 41);
      await s.close();

      s = await ReplicaStore.open(dir);
      assert.equal(s.prunedBelow, 41, 'stored with the install');
      assert.equal(s.tip, 43);
      assert.equal(await s.oldestSnapshotHeight(), 40);
    } finally {
      await s.close();
    }
  });

  it('installed over an older chain: the mark jumps past the gap, the old snapshot is dropped, the old blocks are pruned later without lowering the mark', async () => {
    let s = await ReplicaStore.open(dir);
    const metrics = new ReplicaMetrics();
    try {
      await commitChain(s, 1, 12, 5); // snapshots at 5 and 10; nothing pruned (retention was off)
      const pruner = new Pruner(s, { retainBlocks: 0, metrics });
      pruner.start();
      await install(s, 40);
      assert.equal(s.prunedBelow, 41);
      assert.equal(await metrics.value('knhk_retention_low_water_mark'), 41, 'the gauge follows the install, also with retention off');
      assert.equal(await s.oldestSnapshotHeight(), 40, 'the snapshot from before the gap is no base any more');
      assert.equal((await s.loadServableSnapshot(0))?.at.block.height, 40);
      // Kept from before the gap, below the mark: an index entry is still found, its receipts are refused.
      assert.deepEqual(await s.lookupCommand('c1', 3), { height: 3, index: 0 });
      await assert.rejects(s.getExecution(3), /receipts pruned: height 3 is below this replica's retention low-water mark 41/);
      await pruner.stop();
      await s.close();

      // Reopened with retention on: the first run finds the old blocks below the mark and deletes
      // them (index entries too, leaving the per-client markers); the mark stays, the base stays.
      s = await ReplicaStore.open(dir);
      const p = new Pruner(s, { retainBlocks: 1, metrics });
      assert.equal(await p.target(), 40);
      p.start();
      await p.idle();
      assert.equal(s.prunedBelow, 41, 'never lowered');
      for (let height = 1; height <= 12; height++) assert.equal(await s.getCommitted(height), null, `old block ${height} pruned`);
      assert.ok(await s.getCommitted(40), 'the base is kept while its snapshot is the oldest kept');
      await assert.rejects(s.lookupCommand('c1', 12), /^PrunedError: receipt pruned: height 12 is below this replica's retention low-water mark 41 \(client c1, seq 12\)/);
      await assert.rejects(s.lookupCommand('c2', 3), /receipt pruned: height at most 12 /);
      assert.equal(await metrics.value('knhk_pruned_blocks_total'), 12);
      assert.equal(await metrics.value('knhk_retention_low_water_mark'), 41);

      // Newer snapshots (45, 50) let the pruner go past the base; the mark grows as usual.
      await commitChain(s, 41, 50, 5);
      await p.idle();
      assert.equal(s.prunedBelow, 45);
      for (const height of [40, 41, 44]) assert.equal(await s.getCommitted(height), null, `block ${height} pruned`);
      for (let height = 45; height <= 50; height++) {
        assert.equal((await s.getExecution(height))?.height, height);
        assert.deepEqual(await s.lookupCommand('c1', height), { height, index: 0 });
      }
      await assert.rejects(s.lookupCommand('c1', 44), /receipt pruned: height 44 /);
      await p.stop();
    } finally {
      await s.close();
    }
  });

  it('refuses a snapshot that is not ahead of the tip, leaving the mark alone', async () => {
    const s = await ReplicaStore.open(dir);
    try {
      await commitChain(s, 1, 12, 1000);
      await assert.rejects(install(s, 12), /snapshot at 12 is not ahead of tip 12/);
      assert.equal(s.prunedBelow, 0);
    } finally {
      await s.close();
    }
  });
});
