// Generates a local or multi-region testnet: per replica an Ed25519 vote key, a hybrid key for
// execution roots and a libp2p identity (peer id bound to the validator in cluster.json), a
// config file; client keys registered in the genesis capability registry; one admin hybrid key.
//
// Layout of DIR:
//   cluster.json                      public: validator set, f, genesis, consensus parameters
//   replica-<i>/config.json           private to replica i (paths relative to it)
//   replica-<i>/keys/{hybrid.public.json,hybrid.secret.json,vote.key.json,libp2p.key.json}
//   replica-<i>/db/                   level database (created on first start)
//   clients/client-<j>.key.json       Ed25519 client keys (0600); clients/clients.json lists ids and roles
//   admin/admin.{public,secret}.json  hybrid descriptor-admin key
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from '../../crypto/bytes.js';
import { ed25519KeyPair } from '../../crypto/ed25519.js';
import { hybridKeyId, hybridKeyPair } from '../../crypto/hybrid.js';
import { writeEd25519KeyFile, writeHybridKeyFiles } from '../../crypto/keyfile.js';
import { createKernel, type Genesis, type PrincipalEntry } from '../../kernel/api.js';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { clientIdOf } from '../client/envelope.js';
import { newLibp2pKey, peerIdOf, writeLibp2pKey } from '../net/identity.js';
import { DEFAULT_CONSENSUS, DEFAULT_RETAIN_BLOCKS, validateCluster, type ClusterFile, type ConsensusParams, type ReplicaConfig, type ValidatorEntry } from './config.js';

export class TestnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestnetError';
  }
}

export interface TestnetOptions {
  nodes: number;
  dir: string;
  /** Regions assigned round-robin (default: one region "local"). */
  regions?: string[];
  /** libp2p port of replica i is basePort + i; metrics port is basePort + 100 + i. */
  basePort?: number;
  /** Explicit ports (tests pick free ones): overrides basePort. */
  ports?: { p2p: number[]; metrics: number[] };
  host?: string;
  /** 'governance' (default), 'kv', or a path to a descriptor JSON file. */
  descriptor?: string;
  clients?: number;
  consensus?: Partial<ConsensusParams>;
  /** Replace an existing testnet in DIR. */
  force?: boolean;
}

export interface ClientKeyInfo {
  name: string;
  file: string;
  keyId: string;
  roles: string[];
}

export interface TestnetResult {
  clusterFile: string;
  configFiles: string[];
  clients: ClientKeyInfo[];
  adminKeyFile: string;
}

export const DEFAULT_BASE_PORT = 7100;
const EXAMPLES = fileURLToPath(new URL('../../kernel/examples/', import.meta.url));

export function loadDescriptor(spec: string): CanonicalValue {
  const file = spec === 'governance' || spec === 'kv' ? join(EXAMPLES, `${spec}.json`) : spec;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TestnetError(`cannot read descriptor ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as CanonicalValue;
  } catch (e) {
    throw new TestnetError(`descriptor ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Roles of generated clients, so the governance demo has every actor it needs: client-0 is an
 * operator (and agent), client-1, client-2 and client-3 are the approvers (the governance example's
 * high-risk actions need 2 of these 3), the rest are agents.
 */
function rolesOf(j: number): string[] {
  if (j === 0) return ['agent', 'operator'];
  if (j >= 1 && j <= 3) return ['approver'];
  return ['agent'];
}

export async function generateTestnet(o: TestnetOptions): Promise<TestnetResult> {
  const n = o.nodes;
  if (!Number.isSafeInteger(n) || n < 1 || n > 100) throw new TestnetError(`--nodes must be 1..100, got ${n}`);
  const dir = resolve(o.dir);
  const clusterFile = join(dir, 'cluster.json');
  if (existsSync(clusterFile) && !o.force) throw new TestnetError(`${clusterFile} already exists (use --force to replace it)`);
  const regions = o.regions && o.regions.length > 0 ? o.regions : ['local'];
  const host = o.host ?? '127.0.0.1';
  const base = o.basePort ?? DEFAULT_BASE_PORT;
  const p2pPort = (i: number) => o.ports?.p2p[i] ?? base + i;
  const metricsPort = (i: number) => o.ports?.metrics[i] ?? base + 100 + i;
  for (let i = 0; i < n; i++) {
    // Metrics port 0 means "no metrics endpoint".
    for (const [p, min] of [[p2pPort(i), 1], [metricsPort(i), 0]]) if (!Number.isSafeInteger(p) || p < min || p > 65535) throw new TestnetError(`port ${p} out of range (check --base-port)`);
  }
  const descriptor = loadDescriptor(o.descriptor ?? 'governance');
  mkdirSync(dir, { recursive: true });

  const validators: ValidatorEntry[] = [];
  const configFiles: string[] = [];
  for (let i = 0; i < n; i++) {
    const rdir = join(dir, `replica-${i}`);
    const kdir = join(rdir, 'keys');
    mkdirSync(kdir, { recursive: true });
    const hybrid = hybridKeyPair();
    writeHybridKeyFiles(kdir, hybrid, 'hybrid', { overwrite: true });
    const vote = ed25519KeyPair();
    writeEd25519KeyFile(join(kdir, 'vote.key.json'), vote, { overwrite: true });
    const p2p = await newLibp2pKey();
    writeLibp2pKey(join(kdir, 'libp2p.key.json'), p2p);
    validators.push({
      id: i,
      peerId: peerIdOf(p2p),
      hybridPublicKey: { ed25519: toHex(hybrid.publicKey.ed25519), mldsa65: toHex(hybrid.publicKey.mldsa65) },
      voteKey: toHex(vote.publicKey),
      region: regions[i % regions.length],
      multiaddrs: [`/ip4/${host}/tcp/${p2pPort(i)}`],
      metricsPort: metricsPort(i),
    });
    const cfg: ReplicaConfig = {
      cluster: '../cluster.json',
      id: i,
      dataDir: 'db',
      hybridKeyFile: 'keys/hybrid.secret.json',
      voteKeyFile: 'keys/vote.key.json',
      libp2pKeyFile: 'keys/libp2p.key.json',
      logLevel: 'info',
      retainBlocks: DEFAULT_RETAIN_BLOCKS,
    };
    const cfgFile = join(rdir, 'config.json');
    writeFileSync(cfgFile, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
    configFiles.push(cfgFile);
  }

  const clients: ClientKeyInfo[] = [];
  const cdir = join(dir, 'clients');
  mkdirSync(cdir, { recursive: true });
  const principals: Record<string, PrincipalEntry> = {};
  for (let j = 0; j < (o.clients ?? 64); j++) {
    const kp = ed25519KeyPair();
    const name = `client-${j}`;
    const file = join(cdir, `${name}.key.json`);
    writeEd25519KeyFile(file, kp, { overwrite: true });
    const keyId = clientIdOf(kp.publicKey);
    const roles = rolesOf(j);
    principals[keyId] = { commands: ['*'], roles };
    clients.push({ name, file, keyId, roles });
  }
  writeFileSync(join(cdir, 'clients.json'), JSON.stringify({ clients: clients.map((c) => ({ ...c, file: `${c.name}.key.json` })) }, null, 2) + '\n');

  const admin = hybridKeyPair();
  const adminFiles = writeHybridKeyFiles(join(dir, 'admin'), admin, 'admin', { overwrite: true });

  const genesis: Genesis = {
    chainId: `knhk-testnet-${toHex(new Uint8Array(randomBytes(6)))}`,
    admins: [hybridKeyId(admin.publicKey)],
    adminThreshold: 1,
    descriptor,
    principals,
  };
  try {
    createKernel(genesis); // fail here, with the kernel's message, rather than on every replica
  } catch (e) {
    throw new TestnetError(`genesis rejected by the kernel: ${(e as Error).message}`);
  }
  const cluster: ClusterFile = {
    version: 1,
    f: Math.floor((n - 1) / 3),
    validators,
    genesis: genesis as unknown as Record<string, unknown>,
    consensus: { ...DEFAULT_CONSENSUS, ...o.consensus },
  };
  validateCluster(JSON.parse(JSON.stringify(cluster)), clusterFile);
  writeFileSync(clusterFile, JSON.stringify(cluster, null, 2) + '\n');
  return { clusterFile, configFiles, clients, adminKeyFile: adminFiles.secretFile };
}

/** Resolves DIR the way the CLI does (relative to the working directory). */
export function testnetDir(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}
