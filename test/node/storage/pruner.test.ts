// Retention at the store level: what the pruner deletes and keeps, the low-water mark, the clear
// errors below it, and crash safety (a process killed mid-prune leaves a consistent database, and
// the prune resumes on the next start).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicaMetrics } from '../../../node/metrics/replica-metrics.js';
import { Pruner } from '../../../node/storage/pruner.js';
import { PrunedError } from '../../../node/storage/records.js';
import { ReplicaStore } from '../../../node/storage/replica-store.js';
import { commitChain } from './fixtures/prune-chain.js';

/** Every height below `mark` is gone (block, execution, index entries), every one from it up to `tip` is whole. */
async function assertConsistent(s: ReplicaStore, mark: number, tip: number): Promise<void> {
  assert.equal(s.prunedBelow, mark);
  for (let height = 1; height <= tip; height++) {
    const kept = height >= mark;
    assert.equal((await s.getCommitted(height)) !== null, kept, `block ${height} ${kept ? 'kept' : 'pruned'}`);
    if (kept) {
      assert.equal((await s.getExecution(height))?.height, height);
      assert.deepEqual(await s.lookupCommand('c1', height), { height, index: 0 });
      assert.deepEqual(await s.lookupCommand('c2', 2 * height), { height, index: 1 });
    } else {
      await assert.rejects(s.getExecution(height), PrunedError);
      await assert.rejects(s.lookupCommand('c1', height), PrunedError);
      await assert.rejects(s.lookupCommand('c2', 2 * height), PrunedError);
    }
  }
}

describe('node/storage retention (pruner)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-prune-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prunes below min(tip - retainBlocks + 1, older kept snapshot), in batches, with a low-water mark that survives reopening', async () => {
    let s = await ReplicaStore.open(dir);
    await commitChain(s, 1, 30, 10); // snapshots at 10, 20, 30: kept are 30 and 20
    const metrics = new ReplicaMetrics();
    const pruner = new Pruner(s, { retainBlocks: 5, batchBlocks: 4, metrics });
    assert.equal(await pruner.target(), 20, 'the older kept snapshot bounds it (tip - 5 + 1 = 26)');
    pruner.start();
    await pruner.idle();
    await assertConsistent(s, 20, 30);
    assert.equal(await metrics.value('knhk_pruned_blocks_total'), 19);
    assert.equal(await metrics.value('knhk_retention_low_water_mark'), 20);
    await pruner.stop();
    await s.close();

    s = await ReplicaStore.open(dir);
    try {
      assert.equal(s.prunedBelow, 20, 'the mark is stored');
      assert.equal(s.tip, 30);
      // Snapshots at 40 and 50 are kept: tip - 5 + 1 = 46, the older snapshot 40 bounds it.
      await commitChain(s, 31, 50, 10);
      const p = new Pruner(s, { retainBlocks: 5 });
      assert.equal(await p.target(), 40);
      await commitChain(s, 51, 52, 1000);
      // Retention of 15 with the tip at 52: the tip bounds it (38 < 40).
      const q = new Pruner(s, { retainBlocks: 15 });
      assert.equal(await q.target(), 38);
      q.start();
      await q.idle();
      await assertConsistent(s, 38, 52);
      await q.stop();
    } finally {
      await s.close();
    }
  });

  it('prunes after each snapshot write; retainBlocks 0 and a database without snapshots keep everything', async () => {
    const s = await ReplicaStore.open(dir);
    try {
      const off = new Pruner(s, { retainBlocks: 0 });
      off.start();
      const on = new Pruner(s, { retainBlocks: 1 });
      await commitChain(s, 1, 9, 1000);
      assert.equal(await on.target(), 0, 'no snapshot: recovery replays from genesis');
      await off.stop();
      on.start();
      await commitChain(s, 10, 12, 10); // the snapshot at 10 triggers a run
      await on.idle();
      assert.equal(s.prunedBelow, 10);
      await commitChain(s, 13, 20, 10);
      await on.idle();
      assert.equal(s.prunedBelow, 10, 'the older kept snapshot (10) bounds it');
      await commitChain(s, 21, 30, 10);
      await on.idle();
      assert.equal(s.prunedBelow, 20);
      await on.stop();
      await commitChain(s, 31, 40, 10);
      await s.flush();
      assert.equal(s.prunedBelow, 20, 'a stopped pruner no longer listens');
    } finally {
      await s.close();
    }
  });

  it('refuses a pruned command with the clear error; later or unknown seqs are not affected', async () => {
    const s = await ReplicaStore.open(dir);
    try {
      await commitChain(s, 1, 25, 10);
      const p = new Pruner(s, { retainBlocks: 1 });
      p.start();
      await p.idle();
      await p.stop();
      assert.equal(s.prunedBelow, 10);
      await assert.rejects(s.lookupCommand('c2', 18), (e: Error) => {
        assert.ok(e instanceof PrunedError);
        assert.equal(e.lowWaterMark, 10);
        assert.equal(e.message, "receipt pruned: height 9 is below this replica's retention low-water mark 10 (client c2, seq 18); this (client, seq) is never executed again");
        return true;
      });
      // c2 never used seq 17 (its seqs are even): it is at or below a pruned seq, so it can never execute either.
      await assert.rejects(s.lookupCommand('c2', 17), /^PrunedError: receipt pruned: height at most 9 is below this replica's retention low-water mark 10 \(client c2, seq 17\)/);
      assert.deepEqual(await s.lookupCommand('c2', 20), { height: 10, index: 1 });
      assert.equal(await s.lookupCommand('c2', 51), null, 'not executed yet: may still be ordered');
      assert.equal(await s.lookupCommand('c3', 1), null, 'a client with nothing pruned');
      await assert.rejects(s.getExecution(3), /receipts pruned: height 3 is below this replica's retention low-water mark 10/);
      assert.equal(await s.getCommitted(3), null, 'blocks below the mark read as absent (sync serves them as heights it does not have)');
    } finally {
      await s.close();
    }
  });

  it('a process killed mid-prune leaves a consistent database; the prune resumes on the next start', async function () {
    this.timeout(30_000);
    let s = await ReplicaStore.open(dir);
    await commitChain(s, 1, 60, 20); // kept snapshots at 60 and 40
    await s.close();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'prune-child.ts'), dir, '40'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(/^batch /gm) ?? []).length >= 5) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`child exited before the kill: ${out}`)));
    });
    await exited;
    assert.ok(!out.includes('done'), 'killed before it finished');

    s = await ReplicaStore.open(dir);
    try {
      const mark = s.prunedBelow;
      assert.ok(mark >= 6 && mark < 40, `stopped mid-way (mark ${mark})`);
      await assertConsistent(s, mark, 60);
      const p = new Pruner(s, { retainBlocks: 1 });
      p.start(); // resumes at start, without waiting for a snapshot
      await p.idle();
      await p.stop();
      await assertConsistent(s, 40, 60);
    } finally {
      await s.close();
    }
  });
});
