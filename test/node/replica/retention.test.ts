// Retention on a live cluster (real replicas in this process): replicas with a tiny retainBlocks
// prune their databases; a replay of a pruned command is refused with the clear error and not
// executed; a restarted replica recovers from its pruned database (snapshot + remaining blocks); a
// fresh replica catches up from the pruned peers through a snapshot (their blocks start above its
// tip, so no block path exists), with a low-water mark above the snapshot's height; and a replica
// restored from a snapshot, which lacks the old command index, refuses a replay from its kernel's
// per-client sequence with a clear error and orders nothing, also after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesEqual } from '../../../crypto/bytes.js';
import { readEd25519KeyFile } from '../../../crypto/keyfile.js';
import { decodeReceipt } from '../../../kernel/api.js';
import { encodeSignedCommand } from '../../../node/client/envelope.js';
import { ClientTransport } from '../../../node/client/transport.js';
import { freePorts } from '../../../node/cluster/ports.js';
import { generateTestnet, type TestnetResult } from '../../../node/cluster/testnet.js';
import { createLogger, silentLogger } from '../../../node/log/logger.js';
import { startReplica, type RunningReplica } from '../../../node/replica/run.js';
import { PrunedError } from '../../../node/storage/records.js';

const testLog = (replica: number) => (process.env.KNHK_TEST_LOG ? createLogger({ level: process.env.KNHK_TEST_LOG as 'debug', replica }) : silentLogger());

function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await cond()) resolve();
      else if (performance.now() > end) reject(new Error(`not met in ${ms} ms: ${what}`));
      else setTimeout(tick, 100);
    };
    void tick();
  });
}

/** Resolves once `value()` has not changed for `quietMs`. */
async function untilStable(value: () => number, quietMs: number, ms: number): Promise<void> {
  let last = value();
  let since = performance.now();
  await until(
    () => {
      const v = value();
      if (v !== last) [last, since] = [v, performance.now()];
      return performance.now() - since >= quietMs;
    },
    ms,
    'value stable',
  );
}

const RETAIN = 3;
const SNAPSHOT_EVERY = 5;
const HEIGHT = 30;

describe('node/replica retention on a live cluster', function () {
  this.timeout(90_000);
  let dir: string;
  let net: TestnetResult;
  const replicas: Array<RunningReplica | null> = [null, null, null, null];
  let client: string;
  let put: (seq: number, value: string) => Uint8Array;
  let lastSeq = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-retention-'));
    const ports = await freePorts(4);
    // Far-behind catch-up by blocks stays allowed (huge snapshotCatchUpBlocks): only pruning can
    // force the snapshot path below.
    net = await generateTestnet({ nodes: 4, dir, descriptor: 'kv', clients: 4, ports: { p2p: ports, metrics: [0, 0, 0, 0] }, consensus: { viewTimeoutMs: 400, retainCommittedBlocks: 8, snapshotEvery: SNAPSHOT_EVERY, snapshotCatchUpBlocks: 1_000_000 } });
    for (const f of net.configFiles) writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), retainBlocks: RETAIN }));
    // Replica 3 stays down: it joins from nothing at the end.
    for (let i = 0; i < 3; i++) replicas[i] = await startReplica(net.configFiles[i], { log: testLog(i), serveMetrics: false });
    const key = readEd25519KeyFile(net.clients[0].file);
    client = net.clients[0].keyId;
    put = (seq, value) => encodeSignedCommand(key.secretKey, { principal: client, seq, type: 'put', fields: { key: 'k', value } });
    // One command in flight at a time (the kernel wants each client's seqs in order).
    for (let seq = 1; replicas[0]!.node.status().executedHeight < HEIGHT; seq++) {
      replicas[seq % 3]!.node.submit({ client, seq, bytes: put(seq, `v${seq}`) });
      assert.ok(await replicas[seq % 3]!.node.waitForReceipt(client, seq, 10_000), `seq ${seq}`);
      lastSeq = seq;
    }
  });
  after(async () => {
    for (const r of replicas) await r?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const live = () => replicas.filter((r): r is RunningReplica => r !== null);

  it('prunes every replica below its older kept snapshot and keeps everything above', async () => {
    for (const r of live()) {
      const store = r.node.store;
      await until(() => store.prunedBelow > HEIGHT - 2 * SNAPSHOT_EVERY - RETAIN, 20_000, `replica ${r.config.id} pruned (mark ${store.prunedBelow})`);
      await untilStable(() => store.prunedBelow, 500, 10_000);
      const mark = store.prunedBelow;
      assert.ok(mark <= (await store.oldestSnapshotHeight()), 'never past the older kept snapshot');
      assert.equal(await store.getCommitted(1), null);
      assert.equal(await store.getCommitted(mark - 1), null);
      for (let height = mark; height <= store.tip; height++) assert.ok(await store.getCommitted(height), `block ${height} kept`);
      assert.equal(await r.metrics.value('knhk_retention_low_water_mark'), mark);
      assert.ok((await r.metrics.value('knhk_pruned_blocks_total')) >= mark - 1);
    }
  });

  it('a restarted replica rebuilds its state from its pruned database (snapshot + remaining blocks)', async () => {
    const before = replicas[1]!.node.status().executedHeight;
    const mark = replicas[1]!.node.store.prunedBelow;
    await replicas[1]!.stop();
    replicas[1] = await startReplica(net.configFiles[1], { log: testLog(1), serveMetrics: false });
    assert.equal(replicas[1].node.status().executedHeight, before, 'recovered its tip');
    assert.ok(replicas[1].node.store.prunedBelow >= mark);
    assert.equal(replicas[1].node.localRead('kv/k'), `v${lastSeq}`, 'same state as before the restart');
    // And it keeps executing with the others, to the same roots.
    const seq = ++lastSeq;
    replicas[1].node.submit({ client, seq, bytes: put(seq, `v${seq}`) });
    const mine = await replicas[1].node.waitForReceipt(client, seq, 10_000);
    const theirs = await replicas[0]!.node.waitForReceipt(client, seq, 10_000);
    assert.ok(mine && theirs && bytesEqual(mine.stateRoot, theirs.stateRoot));
  });

  // Replica 1 since its restart: the others still answer seq 1 from the executions they hold in
  // memory (the last 128 heights), which this tiny retention undercuts.
  it('refuses a replay of a pruned command with the clear error, on the replica API and the client protocol, and does not execute it', async () => {
    // Every replica done with the commands so far (the chain is idle), so heights only move if the replay is ordered.
    const top = () => Math.max(...live().map((r) => r.node.status().height));
    await until(() => live().every((r) => r.node.status().executedHeight === top()), 10_000, 'replicas level');
    await untilStable(top, 500, 10_000);
    const heights = live().map((r) => r.node.status().height);
    const r0 = replicas[1]!;
    r0.node.submit({ client, seq: 1, bytes: put(1, 'v1') });
    await assert.rejects(r0.node.waitForReceipt(client, 1, 3000), (e: Error) => {
      assert.ok(e instanceof PrunedError, String(e));
      assert.match(e.message, new RegExp(`^receipt pruned: height (at most )?\\d+ is below this replica's retention low-water mark ${r0.node.store.prunedBelow} \\(client ${client}, seq 1\\)`));
      return true;
    });
    const t = await ClientTransport.create(r0.cluster);
    try {
      const submitted = await t.channels[1].request({ kind: 'submit', envelope: put(1, 'v1'), wait: true, timeoutMs: 3000 }, 6000);
      assert.equal(submitted.kind, 'error');
      assert.ok(submitted.kind === 'error' && submitted.code === 'not-stored' && /^receipt pruned: .* low-water mark \d+/.test(submitted.message), JSON.stringify(submitted));
      const awaited = await t.channels[1].request({ kind: 'awaitReceipt', client, seq: 1, timeoutMs: 3000 }, 6000);
      assert.ok(awaited.kind === 'error' && awaited.code === 'not-stored' && awaited.message.startsWith('receipt pruned: '), JSON.stringify(awaited));
    } finally {
      await t.close();
    }
    // Nothing was ordered: the idle chain stays where it was, and k keeps its newest value.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(live().map((r) => r.node.status().height), heights);
    for (const r of live()) assert.equal(r.node.localRead('kv/k'), `v${lastSeq}`);
  });

  it('a fresh replica catches up from the pruned peers through a verified snapshot', async () => {
    const target = replicas[0]!.node.status().executedHeight;
    assert.ok(replicas[0]!.node.store.prunedBelow > 1, 'block 1 is gone everywhere: only the snapshot path can work');
    // Replica 3 keeps everything it stores (retainBlocks 0): its mark then moves only by the install,
    // and no pruned-command marker of its own answers for the replays sent to it below.
    const f3 = net.configFiles[3];
    writeFileSync(f3, JSON.stringify({ ...JSON.parse(readFileSync(f3, 'utf8')), retainBlocks: 0 }));
    replicas[3] = await startReplica(f3, { log: testLog(3), serveMetrics: false });
    await until(() => replicas[3]!.node.status().executedHeight >= target, 30_000, 'replica 3 caught up');
    assert.ok((await replicas[3].metrics.value('knhk_snapshots_loaded_total')) >= 1, 'through a snapshot');
    const a = await replicas[3].node.store.getExecution(target);
    const b = await replicas[0]!.node.store.getExecution(target);
    assert.ok(a && b && bytesEqual(a.stateRoot, b.stateRoot), 'same state root at the target height');
    assert.equal(replicas[3].node.localRead('kv/k'), `v${lastSeq}`);
  });

  it('a replica restored from a snapshot marks what it lacks: nothing below the snapshot height + 1', async () => {
    const r3 = replicas[3]!;
    const mark = r3.node.store.prunedBelow;
    // Retention is off on it: only the install moved the mark, to the snapshot's height S + 1.
    assert.ok(mark > 1 && mark - 1 <= (await r3.node.store.oldestSnapshotHeight()), `mark ${mark}`);
    assert.ok(await r3.node.store.getCommitted(mark - 1), "the snapshot's block is kept as its base");
    assert.equal(await r3.node.store.getCommitted(1), null);
    await assert.rejects(r3.node.store.getExecution(1), PrunedError);
    assert.equal(await r3.metrics.value('knhk_retention_low_water_mark'), mark);
  });

  async function idle(): Promise<void> {
    const top = () => Math.max(...live().map((x) => x.node.status().height));
    await until(() => live().every((x) => x.node.status().executedHeight === top()), 20_000, 'replicas level');
    await untilStable(top, 1000, 20_000);
  }

  /**
   * A seq of `client` executed before `r`'s snapshot that `r` holds in no index. (Forwards its peers
   * queued for it while it was down reach its mempool when it connects, and such old commands may get
   * ordered again there — the kernel refuses them — which puts them in its index: those are skipped.)
   */
  async function unindexedSeq(r: RunningReplica): Promise<number> {
    for (let seq = 1; seq <= lastSeq; seq++) {
      let found = true;
      try {
        found = (await r.node.store.lookupCommand(client, seq)) !== null;
      } catch {
        // pruned marker: not the case under test
      }
      if (!found) return seq;
    }
    throw new Error('every old seq is in this replica index');
  }

  /** Sends a replay of (client, seq) to `r` on the replica API and over the client protocol; it must be refused with `message` and order nothing. */
  async function refusedReplay(r: RunningReplica, seq: number, message: RegExp): Promise<void> {
    const heights = live().map((x) => x.node.status().height);
    r.node.submit({ client, seq, bytes: put(seq, 'old') });
    await assert.rejects(r.node.waitForReceipt(client, seq, 3000), (e: Error) => {
      assert.ok(e instanceof PrunedError, String(e));
      assert.match(e.message, message);
      return true;
    });
    const t = await ClientTransport.create(r.cluster);
    try {
      const submitted = await t.channels[r.config.id].request({ kind: 'submit', envelope: put(seq, 'old'), wait: true, timeoutMs: 3000 }, 6000);
      assert.ok(submitted.kind === 'error' && submitted.code === 'not-stored' && message.test(submitted.message), JSON.stringify(submitted));
    } finally {
      await t.close();
    }
    // Nothing was ordered: the idle chain stays where it was, and k keeps its newest value.
    await new Promise((res) => setTimeout(res, 1500));
    assert.deepEqual(live().map((x) => x.node.status().height), heights);
    for (const x of live()) assert.equal(x.node.localRead('kv/k'), `v${lastSeq}`);
  }

  it('a replay sent to a replica without the old index (restored from a snapshot) is refused from its kernel sequence, not ordered', async () => {
    const r3 = replicas[3]!;
    await idle();
    const old = await unindexedSeq(r3);
    const message = new RegExp(
      `^receipt not stored here: \\(client ${client}, seq ${old}\\) was executed at or before height ${r3.node.store.prunedBelow - 1}, below this replica's low-water mark ${r3.node.store.prunedBelow}, ` +
        `or never: the kernel already accepted seq ${lastSeq} from this client`,
    );
    await refusedReplay(r3, old, message);
    // A later seq is not affected: it is ordered and executed as usual.
    const seq = ++lastSeq;
    r3.node.submit({ client, seq, bytes: put(seq, `v${seq}`) });
    const r = await r3.node.waitForReceipt(client, seq, 15_000);
    assert.ok(r && decodeReceipt(r.receiptBytes).result === 'ok');
    for (const x of live()) await until(() => x.node.localRead('kv/k') === `v${seq}`, 10_000, `replica ${x.config.id} executed seq ${seq}`);
  });

  it('after a restart, the restored replica keeps its mark and still refuses the replay', async () => {
    const mark = replicas[3]!.node.store.prunedBelow;
    await replicas[3]!.stop();
    replicas[3] = await startReplica(net.configFiles[3], { log: testLog(3), serveMetrics: false });
    assert.ok(replicas[3].node.store.prunedBelow >= mark);
    assert.equal(replicas[3].node.localRead('kv/k'), `v${lastSeq}`);
    await idle();
    await refusedReplay(replicas[3], await unindexedSeq(replicas[3]), /^receipt not stored here: /);
  });
});
