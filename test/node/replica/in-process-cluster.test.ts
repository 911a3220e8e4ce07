// Four real replicas (libp2p on 127.0.0.1, level, kernel, worker-pool signing) in this process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesEqual, fromHex } from '../../../crypto/bytes.js';
import { readEd25519KeyFile } from '../../../crypto/keyfile.js';
import { verifyMerkleProof } from '../../../crypto/merkle.js';
import { decodeReceipt } from '../../../kernel/api.js';
import { encodeSignedCommand } from '../../../node/client/envelope.js';
import { freePorts } from '../../../node/cluster/ports.js';
import { generateTestnet } from '../../../node/cluster/testnet.js';
import { createLogger, silentLogger } from '../../../node/log/logger.js';

// KNHK_TEST_LOG=debug shows the replicas' JSON logs on stderr.
const testLog = (replica: number) => (process.env.KNHK_TEST_LOG ? createLogger({ level: process.env.KNHK_TEST_LOG as 'debug', replica }) : silentLogger());
import { verifySignedRoots } from '../../../node/replica/execution-roots.js';
import { startReplica, type RunningReplica } from '../../../node/replica/run.js';

describe('node/replica in-process cluster', function () {
  this.timeout(60_000);
  let dir: string;
  let replicas: Array<RunningReplica | null> = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-cluster-'));
  });
  after(async () => {
    for (const r of replicas) await r?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('orders, executes and signs client commands identically on 4 replicas; a restarted replica recovers', async () => {
    const ports = await freePorts(4);
    const net = await generateTestnet({ nodes: 4, dir, descriptor: 'kv', clients: 2, ports: { p2p: ports, metrics: [0, 0, 0, 0] }, consensus: { viewTimeoutMs: 500 } });
    replicas = await Promise.all(net.configFiles.map((f, i) => startReplica(f, { log: testLog(i), serveMetrics: false })));
    const key = readEd25519KeyFile(net.clients[0].file);
    const client = net.clients[0].keyId;
    const put = (seq: number, value: string) =>
      encodeSignedCommand(key.secretKey, { principal: client, seq, type: 'put', fields: { key: 'k', value } });

    // The kernel wants each client's seqs in increasing order, so a client has one command in flight.
    let fifth: Uint8Array | null = null;
    for (let seq = 1; seq <= 20; seq++) {
      replicas[seq % 4]!.node.submit({ client, seq, bytes: put(seq, `v${seq}`) });
      const r = await replicas[seq % 4]!.node.waitForReceipt(client, seq, 10_000);
      assert.equal(r && decodeReceipt(r.receiptBytes).result, 'ok', `seq ${seq} executed`);
      if (seq === 5) fifth = r!.receiptBytes;
      if (process.env.KNHK_TEST_LOG) console.error("first", seq, Date.now() % 100000);
    }
    const receipts = await Promise.all(replicas.map((r) => r!.node.waitForReceipt(client, 20, 20_000)));
    for (const r of receipts) assert.ok(r, 'every replica executed seq 20');
    for (const r of receipts) {
      assert.ok(bytesEqual(r!.stateRoot, receipts[0]!.stateRoot), 'same state root everywhere');
      assert.ok(bytesEqual(r!.receiptBytes, receipts[0]!.receiptBytes), 'same receipt everywhere');
      assert.ok(verifyMerkleProof(r!.receiptsRoot, r!.receiptBytes, r!.proof));
    }
    assert.equal(decodeReceipt(receipts[0]!.receiptBytes).seq, 20);

    // Hybrid-signed roots from every replica, verifiable with cluster.json's keys.
    const cluster = replicas[0]!.cluster;
    for (const r of replicas) {
      const s = await r!.node.signedRoots(receipts[0]!.height, 20_000);
      assert.ok(s, 'signed roots arrive');
      const v = cluster.validators[s!.replica];
      assert.ok(verifySignedRoots({ ed25519: fromHex(v.hybridPublicKey.ed25519), mldsa65: fromHex(v.hybridPublicKey.mldsa65) }, s!));
      assert.ok(bytesEqual(s!.stateRoot, receipts[0]!.stateRoot));
    }

    // A replayed command gets the original receipt and is not ordered again.
    const before = replicas[1]!.node.status().height;
    replicas[1]!.node.submit({ client, seq: 5, bytes: put(5, 'v5') });
    const again = await replicas[1]!.node.waitForReceipt(client, 5, 5000);
    assert.ok(bytesEqual(again!.receiptBytes, fifth!), 'the original receipt');

    // Restart replica 3: it recovers its chain from level and keeps up with new commands.
    const h3 = replicas[3]!.node.status().executedHeight;
    await replicas[3]!.stop();
    replicas[3] = null;
    for (let seq = 21; seq <= 30; seq++) {
      replicas[seq % 3]!.node.submit({ client, seq, bytes: put(seq, `w${seq}`) });
      assert.ok(await replicas[seq % 3]!.node.waitForReceipt(client, seq, 10_000), `seq ${seq} with one replica down`);
      if (process.env.KNHK_TEST_LOG) console.error('done', seq);
    }
    replicas[3] = await startReplica(net.configFiles[3], { log: testLog(3), serveMetrics: false });
    assert.ok(replicas[3].node.status().executedHeight >= h3, 'recovered at least its old tip');
    const late = await replicas[3].node.waitForReceipt(client, 30, 30_000);
    assert.ok(late, 'restarted replica caught up');
    const ref = await replicas[0]!.node.waitForReceipt(client, 30, 1000);
    assert.ok(bytesEqual(late!.receiptBytes, ref!.receiptBytes));
    assert.ok(replicas[1]!.node.status().height >= before);
    const heights = replicas.map((r) => r!.node.status().executedHeight);
    assert.ok(Math.min(...heights) >= late!.height, `all executed past ${late!.height}: ${heights}`);
  });
});
