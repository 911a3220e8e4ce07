// cluster.json (shared by every replica and client) and the per-replica config file, with loaders
// that validate every field and fail with one clear line naming the file and the field.
//
// cluster.json is public: it lists the validator set (ids, libp2p peer ids, public keys, regions,
// addresses), f, the kernel genesis and the consensus parameters. A replica config is private to
// one replica: which validator it is, where its keys and database live, what it listens on.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface HexHybridPublicKey {
  ed25519: string;
  mldsa65: string;
}

export interface ValidatorEntry {
  /** Replica index 0..n-1; consensus names replicas by this number. */
  id: number;
  /** libp2p peer id (base58) derived from the replica's libp2p Ed25519 key; bound to this validator. */
  peerId: string;
  /** Hybrid key that signs execution roots (hex parts). */
  hybridPublicKey: HexHybridPublicKey;
  /** Ed25519 public key (hex) that signs consensus votes, proposals and timeouts. */
  voteKey: string;
  region: string;
  /** Consensus (libp2p) listen addresses, e.g. /ip4/127.0.0.1/tcp/7001. */
  multiaddrs: string[];
  /** Where clients reach this replica; defaults to the first of `multiaddrs` (same libp2p host). */
  clientMultiaddr?: string;
  /** Prometheus metrics on http://host:metricsPort/metrics (0 = disabled). */
  metricsPort: number;
  /** Host the metrics endpoint listens on (default 127.0.0.1). */
  metricsHost?: string;
}

export interface ConsensusParams {
  /** Most client commands per block. */
  batchMax: number;
  /** Base view timeout (doubles per consecutive failed view). */
  viewTimeoutMs: number;
  /** Upper bound of the back-off. */
  viewTimeoutMaxMs: number;
  /** A kernel snapshot is stored every this many executed heights. */
  snapshotEvery: number;
  /** Committed blocks each replica keeps in memory for peers' in-consensus sync; older gaps use catch-up. */
  retainCommittedBlocks: number;
  /** A replica further behind than this many blocks installs a peer's snapshot instead of replaying blocks. */
  snapshotCatchUpBlocks: number;
}

export interface ClusterFile {
  version: 1;
  f: number;
  validators: ValidatorEntry[];
  /** Kernel genesis, handed to kernel `createKernel` as-is (validated there). */
  genesis: Record<string, unknown>;
  consensus: ConsensusParams;
}

export interface ReplicaConfig {
  /** Absolute path of cluster.json (relative paths in the file resolve against the config's folder). */
  cluster: string;
  /** Which validator of cluster.json this replica is. */
  id: number;
  /** Folder of the replica's level database. */
  dataDir: string;
  /** Hybrid secret key JSON (crypto/keyfile.ts). */
  hybridKeyFile: string;
  /** Ed25519 vote key JSON (crypto/keyfile.ts `writeEd25519KeyFile`). */
  voteKeyFile: string;
  /** libp2p private key (protobuf bytes, hex in JSON) whose peer id cluster.json lists. */
  libp2pKeyFile: string;
  /** Addresses to listen on (default: the validator's multiaddrs). */
  listen?: string[];
  logLevel?: string;
  /**
   * Retention: committed blocks (with their receipts, signed roots and command index entries) kept
   * below the tip; older ones are pruned, never past the older of the two kept snapshots. 0 keeps
   * everything. A per-replica setting (a local disk policy that consensus never sees: an archive
   * replica may keep everything while the others prune). Absent: DEFAULT_RETAIN_BLOCKS.
   */
  retainBlocks: number;
}

/** Default retention: ~100,000 blocks (weeks at a few blocks per second); short runs never prune. */
export const DEFAULT_RETAIN_BLOCKS = 100_000;

export const DEFAULT_CONSENSUS: ConsensusParams = {
  batchMax: 2000,
  viewTimeoutMs: 1000,
  viewTimeoutMaxMs: 30_000,
  snapshotEvery: 100,
  retainCommittedBlocks: 256,
  snapshotCatchUpBlocks: 5000,
};

type Json = Record<string, unknown>;

function fail(where: string, msg: string): never {
  throw new ConfigError(`${where}: ${msg}`);
}

function obj(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
  return v as Json;
}

function int(v: unknown, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) fail(where, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function str(v: unknown, where: string, re?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0) fail(where, 'must be a non-empty string');
  if (re && !re.test(v)) fail(where, `has a bad format: ${JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v)}`);
  return v;
}

function hex(v: unknown, where: string, bytes: number): string {
  const s = str(v, where, /^[0-9a-f]+$/);
  if (s.length !== bytes * 2) fail(where, `must be ${bytes} bytes of lowercase hex, got ${s.length / 2}`);
  return s;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

const MULTIADDR = /^\/(ip4|ip6|dns|dns4|dns6)\/[^/]+\/tcp\/\d+(\/.*)?$/;

export function validateCluster(raw: unknown, where = 'cluster.json'): ClusterFile {
  const o = obj(raw, where);
  if (o.version !== 1) fail(`${where}.version`, `must be 1, got ${JSON.stringify(o.version)}`);
  const f = int(o.f, `${where}.f`, 0, 100);
  if (!Array.isArray(o.validators)) fail(`${where}.validators`, 'must be an array');
  const n = o.validators.length;
  if (n < 3 * f + 1) fail(`${where}.validators`, `has ${n} entries; f=${f} needs at least ${3 * f + 1}`);
  const validators = o.validators.map((v, i) => validateValidator(v, `${where}.validators[${i}]`));
  validators.forEach((v, i) => {
    if (v.id !== i) fail(`${where}.validators[${i}].id`, `must equal its position ${i}, got ${v.id}`);
  });
  const seen = new Set<string>();
  for (const v of validators) {
    for (const k of [v.peerId, v.voteKey, v.hybridPublicKey.ed25519]) {
      if (seen.has(k)) fail(`${where}.validators[${v.id}]`, `repeats a peer id or key of another validator`);
      seen.add(k);
    }
  }
  const genesis = obj(o.genesis, `${where}.genesis`);
  const c = obj(o.consensus ?? {}, `${where}.consensus`);
  const consensus: ConsensusParams = {
    batchMax: int(c.batchMax ?? DEFAULT_CONSENSUS.batchMax, `${where}.consensus.batchMax`, 1, 100_000),
    viewTimeoutMs: int(c.viewTimeoutMs ?? DEFAULT_CONSENSUS.viewTimeoutMs, `${where}.consensus.viewTimeoutMs`, 10, 600_000),
    viewTimeoutMaxMs: int(c.viewTimeoutMaxMs ?? DEFAULT_CONSENSUS.viewTimeoutMaxMs, `${where}.consensus.viewTimeoutMaxMs`, 10, 3_600_000),
    snapshotEvery: int(c.snapshotEvery ?? DEFAULT_CONSENSUS.snapshotEvery, `${where}.consensus.snapshotEvery`, 1, 1_000_000),
    retainCommittedBlocks: int(c.retainCommittedBlocks ?? DEFAULT_CONSENSUS.retainCommittedBlocks, `${where}.consensus.retainCommittedBlocks`, 2, 1_000_000),
    snapshotCatchUpBlocks: int(c.snapshotCatchUpBlocks ?? DEFAULT_CONSENSUS.snapshotCatchUpBlocks, `${where}.consensus.snapshotCatchUpBlocks`, 1, 1_000_000_000),
  };
  return { version: 1, f, validators, genesis, consensus };
}

function validateValidator(raw: unknown, where: string): ValidatorEntry {
  const o = obj(raw, where);
  const hk = obj(o.hybridPublicKey, `${where}.hybridPublicKey`);
  if (!Array.isArray(o.multiaddrs) || o.multiaddrs.length === 0) fail(`${where}.multiaddrs`, 'must be a non-empty array');
  const entry: ValidatorEntry = {
    id: int(o.id, `${where}.id`, 0, 1000),
    peerId: str(o.peerId, `${where}.peerId`, /^[1-9A-HJ-NP-Za-km-z]{40,60}$/),
    hybridPublicKey: {
      ed25519: hex(hk.ed25519, `${where}.hybridPublicKey.ed25519`, 32),
      mldsa65: hex(hk.mldsa65, `${where}.hybridPublicKey.mldsa65`, 1952),
    },
    voteKey: hex(o.voteKey, `${where}.voteKey`, 32),
    region: str(o.region, `${where}.region`, /^[A-Za-z0-9._-]{1,64}$/),
    multiaddrs: o.multiaddrs.map((a, i) => str(a, `${where}.multiaddrs[${i}]`, MULTIADDR)),
    metricsPort: int(o.metricsPort ?? 0, `${where}.metricsPort`, 0, 65535),
  };
  if (o.clientMultiaddr !== undefined) entry.clientMultiaddr = str(o.clientMultiaddr, `${where}.clientMultiaddr`, MULTIADDR);
  if (o.metricsHost !== undefined) entry.metricsHost = str(o.metricsHost, `${where}.metricsHost`);
  return entry;
}

/** Reads and validates cluster.json; throws ConfigError naming the file and field. */
export function loadCluster(file: string): ClusterFile {
  return validateCluster(readJson(file, 'cluster file'), file);
}

/** Reads and validates a replica config; relative paths resolve against the config file's folder. */
export function loadReplicaConfig(file: string): ReplicaConfig {
  const o = obj(readJson(file, 'replica config'), file);
  const base = dirname(resolve(file));
  const path = (v: unknown, field: string) => {
    const s = str(v, `${file}.${field}`);
    return isAbsolute(s) ? s : resolve(base, s);
  };
  const cfg: ReplicaConfig = {
    cluster: path(o.cluster, 'cluster'),
    id: int(o.id, `${file}.id`, 0, 1000),
    dataDir: path(o.dataDir, 'dataDir'),
    hybridKeyFile: path(o.hybridKeyFile, 'hybridKeyFile'),
    voteKeyFile: path(o.voteKeyFile, 'voteKeyFile'),
    libp2pKeyFile: path(o.libp2pKeyFile, 'libp2pKeyFile'),
    retainBlocks: o.retainBlocks === undefined ? DEFAULT_RETAIN_BLOCKS : int(o.retainBlocks, `${file}.retainBlocks`, 0, Number.MAX_SAFE_INTEGER),
  };
  if (o.listen !== undefined) {
    if (!Array.isArray(o.listen)) fail(`${file}.listen`, 'must be an array of multiaddrs');
    cfg.listen = o.listen.map((a, i) => str(a, `${file}.listen[${i}]`, MULTIADDR));
  }
  if (o.logLevel !== undefined) cfg.logLevel = str(o.logLevel, `${file}.logLevel`, /^(trace|debug|info|warn|error|fatal|silent)$/);
  return cfg;
}

/** The address clients dial for validator `v`. */
export function clientAddress(v: ValidatorEntry): string {
  return v.clientMultiaddr ?? v.multiaddrs[0];
}
