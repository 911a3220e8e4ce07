// Double-sign protection across a crash: a replica that voted in view v, then restarted from its
// database, must not vote in v again — neither for the same block nor for a conflicting one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genesisQc, makeBlock } from '../../../consensus/block.js';
import { proposalBytes } from '../../../consensus/signing.js';
import type { Message } from '../../../consensus/types.js';
import { ed25519KeyPair, ed25519Sign } from '../../../crypto/ed25519.js';
import { hybridKeyPair } from '../../../crypto/hybrid.js';
import { HybridWorkerPool } from '../../../crypto/worker-pool.js';
import { DEFAULT_CONSENSUS, type ClusterFile } from '../../../node/cluster/config.js';
import { loadDescriptor } from '../../../node/cluster/testnet.js';
import { silentLogger } from '../../../node/log/logger.js';
import { ReplicaMetrics } from '../../../node/metrics/replica-metrics.js';
import { encodeConsensusMessage } from '../../../node/proto/consensus-codec.js';
import { ed25519ConsensusCrypto } from '../../../node/replica/consensus-crypto.js';
import { consensusConfig, wireLimits } from '../../../node/replica/consensus-config.js';
import { ReplicaNode } from '../../../node/replica/replica-node.js';
import { ReplicaStore } from '../../../node/storage/replica-store.js';
import { hybridKeyId } from '../../../crypto/hybrid.js';

const votes = (keys: Array<{ secretKey: Uint8Array; publicKey: Uint8Array }>) => keys.map((k) => k.publicKey);

describe('node/replica double-sign protection', function () {
  this.timeout(20_000);
  let dir: string;
  let pool: HybridWorkerPool;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-dsign-'));
    pool = HybridWorkerPool.create(1);
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never votes twice in a view after a restart, and the vote left only after the safety state was stored', async () => {
    const keys = [0, 1, 2, 3].map((i) => ed25519KeyPair(new Uint8Array(32).fill(i + 1)));
    const admin = hybridKeyPair(new Uint8Array(32).fill(9));
    const cluster = {
      version: 1,
      f: 1,
      validators: [],
      genesis: { chainId: 't', admins: [hybridKeyId(admin.publicKey)], adminThreshold: 1, descriptor: loadDescriptor('kv'), principals: {} },
      consensus: DEFAULT_CONSENSUS,
    } as unknown as ClusterFile;
    (cluster as { validators: unknown[] }).validators = [0, 1, 2, 3].map((id) => ({ id }));
    // Not the leader of view 2 either, so its vote for view 1 leaves as a message (and is counted).
    const self = 3;
    const open = async (store: ReplicaStore, metrics: ReplicaMetrics) =>
      ReplicaNode.create({
        cluster,
        self,
        config: { ...consensusConfig(cluster, self), baseTimeoutMs: 60_000, maxTimeoutMs: 60_000 },
        crypto: ed25519ConsensusCrypto(keys[self].secretKey, votes(keys)),
        limits: wireLimits(cluster),
        store,
        hybridSecretKey: hybridKeyPair(new Uint8Array(32).fill(7)).secretKey,
        pool,
        metrics,
        log: silentLogger(),
      });
    // Replica 1 leads view 1 (round robin); two conflicting proposals it could equivocate with.
    const proposal = (tag: number): Uint8Array => {
      const block = makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: [{ client: 'c', seq: tag, bytes: new Uint8Array([tag]) }], executed: null });
      const m: Message = { type: 'proposal', block, tc: null, signature: ed25519Sign(keys[1].secretKey, proposalBytes(1, block.hash)) };
      return encodeConsensusMessage(m);
    };
    const settle = () => new Promise((r) => setTimeout(r, 200));

    let store = await ReplicaStore.open(join(dir, 'db'));
    let metrics = new ReplicaMetrics();
    let node = await open(store, metrics);
    node.start();
    node.onFrame(1, proposal(1));
    await settle();
    if (process.env.DEBUG_T) console.error(await metrics.registry.metrics());
    assert.equal(await metrics.value('knhk_votes_total'), 1, 'voted once in view 1');
    assert.equal((await store.loadSafety())?.highestVotedView, 1, 'safety state stored');
    await node.stop();
    await store.close();

    store = await ReplicaStore.open(join(dir, 'db'));
    metrics = new ReplicaMetrics();
    node = await open(store, metrics);
    node.start();
    node.onFrame(1, proposal(1));
    node.onFrame(1, proposal(2));
    await settle();
    assert.equal(await metrics.value('knhk_votes_total'), 0, 'no second vote in view 1 after restart');
    await node.stop();
    await store.close();
  });
});
