// Starts one replica from its config file: checks its keys against cluster.json, opens its
// database (recovering from it), joins the validator network, mounts the catch-up and client
// services, serves metrics, starts the retention pruner and the consensus loop. `knhk start` and tests use this.
import { bytesEqual, fromHex, toHex } from '../../crypto/bytes.js';
import { readEd25519KeyFile, readHybridSecretKey } from '../../crypto/keyfile.js';
import { hybridPublicKeyOf } from '../../crypto/hybrid.js';
import { HybridWorkerPool } from '../../crypto/worker-pool.js';
import { mountClientService, type ClientServiceHandle } from '../client/service.js';
import { loadCluster, loadReplicaConfig, type ClusterFile, type ReplicaConfig } from '../cluster/config.js';
import { createLogger, isLogLevel, type Logger, type LogLevel } from '../log/logger.js';
import { serveMetrics } from '../metrics/http.js';
import { ReplicaMetrics } from '../metrics/replica-metrics.js';
import { createHost } from '../net/host.js';
import { peerIdOf, readLibp2pKey } from '../net/identity.js';
import { ValidatorNetwork } from '../net/validator-network.js';
import { Pruner } from '../storage/pruner.js';
import { ReplicaStore } from '../storage/replica-store.js';
import { CatchUp } from './catch-up.js';
import { ed25519ConsensusCrypto } from './consensus-crypto.js';
import { consensusConfig, MAX_CONSENSUS_FRAME_BYTES, syncLimits, wireLimits } from './consensus-config.js';
import { ReplicaNode } from './replica-node.js';

export class ReplicaStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicaStartError';
  }
}

export interface StartOptions {
  logLevel?: LogLevel;
  log?: Logger;
  /** Collect Node process metrics too (one replica per process). */
  processMetrics?: boolean;
  /** Serve /metrics (default: when the validator's metricsPort > 0). */
  serveMetrics?: boolean;
}

export interface RunningReplica {
  node: ReplicaNode;
  metrics: ReplicaMetrics;
  cluster: ClusterFile;
  config: ReplicaConfig;
  /** Resolves when the replica stopped because of a fatal error. */
  readonly failed: Promise<Error>;
  stop(): Promise<void>;
}

export async function startReplica(configFile: string, opts: StartOptions = {}): Promise<RunningReplica> {
  const config = loadReplicaConfig(configFile);
  const cluster = loadCluster(config.cluster);
  const me = cluster.validators[config.id];
  if (me === undefined) throw new ReplicaStartError(`${configFile}: id ${config.id} is not a validator of ${config.cluster} (0..${cluster.validators.length - 1})`);
  const level = opts.logLevel ?? (config.logLevel && isLogLevel(config.logLevel) ? config.logLevel : 'info');
  const log = opts.log ?? createLogger({ level, replica: config.id });

  const p2pKey = readLibp2pKey(config.libp2pKeyFile);
  if (peerIdOf(p2pKey) !== me.peerId) throw new ReplicaStartError(`${config.libp2pKeyFile}: peer id ${peerIdOf(p2pKey)} is not validator ${config.id}'s ${me.peerId}`);
  const vote = readEd25519KeyFile(config.voteKeyFile);
  if (toHex(vote.publicKey) !== me.voteKey) throw new ReplicaStartError(`${config.voteKeyFile}: not validator ${config.id}'s vote key`);
  const hybridSecret = readHybridSecretKey(config.hybridKeyFile);
  const hpk = hybridPublicKeyOf(hybridSecret);
  if (!bytesEqual(hpk.ed25519, fromHex(me.hybridPublicKey.ed25519)) || !bytesEqual(hpk.mldsa65, fromHex(me.hybridPublicKey.mldsa65))) {
    throw new ReplicaStartError(`${config.hybridKeyFile}: not validator ${config.id}'s hybrid key`);
  }

  const metrics = new ReplicaMetrics({ processMetrics: opts.processMetrics });
  const store = await ReplicaStore.open(config.dataDir);
  const pool = HybridWorkerPool.create(1);
  const cleanups: Array<() => Promise<void>> = [async () => pool.close(), () => store.close()];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e: Error) => log.warn({ err: e.message }, 'error while stopping'));
  };
  try {
    const crypto = ed25519ConsensusCrypto(vote.secretKey, cluster.validators.map((v) => fromHex(v.voteKey)), config.id);
    const node = await ReplicaNode.create({
      cluster,
      self: config.id,
      config: consensusConfig(cluster, config.id),
      crypto,
      limits: wireLimits(cluster),
      store,
      hybridSecretKey: hybridSecret,
      pool,
      metrics,
      log,
    });
    cleanups.push(() => node.stop());

    const host = await createHost({ privateKey: p2pKey, listen: config.listen ?? me.multiaddrs });
    cleanups.push(async () => host.stop());
    const validators = cluster.validators.map((v) => ({ id: v.id, peerId: v.peerId, multiaddrs: v.multiaddrs }));
    const net = new ValidatorNetwork({ host, self: config.id, validators, metrics, log, onFrame: (from, frame) => node.onFrame(from, frame), onPeerLost: (id) => node.onPeerLost(id), maxFrameBytes: MAX_CONSENSUS_FRAME_BYTES });
    node.attachNetwork(net);
    await net.start();
    cleanups.push(() => net.stop());

    const catchUp = new CatchUp({ host, node, cluster, self: config.id, validators, limits: syncLimits(cluster), metrics, log, crypto });
    await catchUp.start();
    cleanups.push(() => catchUp.stop());

    const client: ClientServiceHandle = await mountClientService(host, node, { log, metrics, chainId: (cluster.genesis as { chainId: string }).chainId });
    cleanups.push(() => client.close());

    if (opts.serveMetrics ?? me.metricsPort > 0) {
      const m = await serveMetrics(metrics, me.metricsPort, me.metricsHost);
      cleanups.push(() => m.close());
    }

    let reportFailure: (e: Error) => void = () => undefined;
    const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
    node.onFatal((e) => reportFailure(e));
    // Retention: prunes old blocks after each snapshot write (config.retainBlocks; 0 keeps all).
    const pruner = new Pruner(store, { retainBlocks: config.retainBlocks, metrics, log });
    pruner.start();
    cleanups.push(() => pruner.stop());
    node.start();
    log.info({ id: config.id, listen: host.getMultiaddrs().map(String), tip: store.tip }, 'replica started');
    return { node, metrics, cluster, config, failed, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
