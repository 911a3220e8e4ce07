// The knhk client SDK. A `Client` holds one Ed25519 key, signs each command with a fresh sequence
// number, submits it to one replica (retrying on others: safe, since replicas deduplicate by
// (client, seq)), and resolves only once it has verified, itself, the receipt, its inclusion proof
// and f+1 validators' hybrid signatures over the block's execution roots.
//
//   const client = new Client({ cluster: '.knhk/cluster.json', key: '.knhk/clients/client-0.json' });
//   const r = await client.submit('put', { key: 'a', value: '1' });   // r.receipt.decision === 'ALLOW'
//   await client.close();
import { readFileSync, writeFileSync } from 'node:fs';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { ed25519PublicKey, type Ed25519KeyPair } from '../../crypto/ed25519.js';
import { hybridKeyId, type HybridKeyPair } from '../../crypto/hybrid.js';
import { readEd25519KeyFile } from '../../crypto/keyfile.js';
import { commandDigest, type KernelCommand, type Receipt } from '../../kernel/api.js';
import { loadCluster, type ClusterFile } from '../cluster/config.js';
import { bundleToJson, type BundleJson, type ReceiptBundle } from '../client/bundle.js';
import { ChannelError } from '../client/channel.js';
import { clientIdOf, encodeSignedCommand, governanceCosignature } from '../client/envelope.js';
import { encodeHybridSignedCommand } from '../client/hybrid-envelope.js';
import { ClientTransport } from '../client/transport.js';
import { receiptForHumans } from '../client/receipt-json.js';
import { verifyReceiptBundle } from '../client/verify.js';
import type { ReceiptRecord, ReplicaStatus } from '../replica/services.js';
import { CommandRejectedError, SubmitTimeoutError, VerificationError } from './errors.js';

export interface ClientOptions {
  /** cluster.json contents or its path. */
  cluster: ClusterFile | string;
  /**
   * The client's key: an Ed25519 key pair or the path of its key file (crypto/keyfile.ts format),
   * or a hybrid (Ed25519 + ML-DSA-65) key pair for post-quantum client signatures (envelope v3:
   * ~5.4 KB and an ML-DSA verification per command on every replica; its hybridKeyId must be
   * registered like any client id).
   */
  key: Ed25519KeyPair | HybridKeyPair | string;
  /** How long one attempt waits for a receipt (ms). Default 10,000. */
  timeoutMs?: number;
  /** Further attempts on other replicas after the first times out or fails. Default 3. */
  retries?: number;
  /** Replica tried first. Default: chosen from the client id, so clients spread over replicas. */
  replica?: number;
  /** File remembering the last sequence number used (optional; the default seeds from the clock). */
  seqFile?: string;
  /** A shared transport (many clients, one set of connections); the client then does not close it. */
  transport?: ClientTransport;
}

export interface VerifiedReceipt {
  /** The decoded receipt: decision, risk, ruleId, result, reason, output, index, height, ... */
  receipt: Receipt;
  /** Everything needed to re-verify offline (`knhk verify`), see bundleToJson. */
  bundle: ReceiptBundle;
  /** Validators whose signatures over the execution roots were verified. */
  signers: number[];
  /** Replica that returned the receipt. */
  replica: number;
  seq: number;
}

export interface SubmitOptions {
  /**
   * Descriptor admins' hybrid keys co-signing a governance command (`gov.install`, `gov.swap`,
   * `gov.rollback`, `gov.grant`, `gov.revoke`): each signs kernel governancePayload(chainId, cmd).
   */
  cosigners?: HybridKeyPair[];
}

export interface ReplicaStatusResult {
  replica: number;
  status?: ReplicaStatus;
  error?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 3;
/** Extra time a request deadline allows beyond the wait the replica was asked for. */
const DEADLINE_SLACK_MS = 1000;

export class Client {
  readonly cluster: ClusterFile;
  /** This client's id: the key id of its public key, as the capability registry lists it. */
  readonly id: string;
  /** Exactly one of the two is set. */
  private readonly edKey: Ed25519KeyPair | null;
  private readonly hybridKey: HybridKeyPair | null;
  private readonly timeoutMs: number;
  private readonly retries: number;
  /** Replica tried first; moves to the one that answered when it fails (see submitWithRetries). */
  private preferred: number;
  private readonly seqFile: string | undefined;
  private readonly ownsTransport: boolean;
  private transport: Promise<ClientTransport>;
  private lastSeq = 0;
  /** Submits of one client run one at a time: the kernel requires increasing sequence numbers, and a retry on another replica must not overtake an earlier command. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(opts: ClientOptions) {
    this.cluster = typeof opts.cluster === 'string' ? loadCluster(opts.cluster) : opts.cluster;
    const kp = typeof opts.key === 'string' ? readEd25519KeyFile(opts.key) : opts.key;
    if (isHybrid(kp)) {
      this.hybridKey = kp;
      this.edKey = null;
      this.id = hybridKeyId(kp.publicKey);
    } else {
      this.edKey = { secretKey: kp.secretKey, publicKey: kp.publicKey ?? ed25519PublicKey(kp.secretKey) };
      this.hybridKey = null;
      this.id = clientIdOf(this.edKey.publicKey);
    }
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = opts.retries ?? DEFAULT_RETRIES;
    const n = this.cluster.validators.length;
    this.preferred = opts.replica ?? parseInt(this.id.slice(0, 8), 16) % n;
    if (!Number.isSafeInteger(this.preferred) || this.preferred < 0 || this.preferred >= n) throw new RangeError(`replica must be 0..${n - 1}`);
    this.seqFile = opts.seqFile;
    if (this.seqFile !== undefined) this.lastSeq = readSeqFile(this.seqFile);
    this.ownsTransport = opts.transport === undefined;
    this.transport = opts.transport ? Promise.resolve(opts.transport) : ClientTransport.create(this.cluster);
    // Surface a failed start on first use, not as an unhandled rejection.
    this.transport.catch(() => {});
  }

  /**
   * Signs and submits command `type` with `fields`; resolves with the verified receipt. Rejects
   * with CommandRejectedError (the replicas refuse it), SubmitTimeoutError (no receipt after all
   * attempts; resubmitting is safe) or VerificationError (a replica lied).
   */
  submit(type: string, fields: Record<string, CanonicalValue>, opts: SubmitOptions = {}): Promise<VerifiedReceipt> {
    const run = this.tail.then(() => this.submitNow(type, fields, opts));
    this.tail = run.catch(() => {});
    return run;
  }

  /**
   * Reads `key` of the kernel state. By default the read is a `get` command ordered by consensus
   * (linearizable; the descriptor must define `get {key}` returning the value, as kv.json does).
   * With `{ local: true }` one replica answers from its current state (fast, possibly stale): the
   * entry `key` of the map state named by `opts.state` (default `kv`, the map kv.json's get reads).
   */
  async read(key: string, opts: { local?: boolean; state?: string } = {}): Promise<CanonicalValue | null> {
    if (!opts.local) {
      const r = (await this.submit('get', { key })).receipt;
      if (r.result !== 'ok') throw new Error(`read of ${JSON.stringify(key)} was ${r.result}: ${r.reason ?? r.decision} (does the descriptor define get {key}?)`);
      return r.output;
    }
    const t = await this.transport;
    let last = 'no replica answered';
    for (const ch of this.order(t)) {
      try {
        const res = await ch.request({ kind: 'localRead', key: `${opts.state ?? 'kv'}/${key}` }, this.timeoutMs);
        if (res.kind === 'read') return res.value;
        last = res.kind === 'error' ? `replica ${ch.replica}: ${res.message}` : `replica ${ch.replica}: ${res.kind}`;
      } catch (e) {
        last = (e as Error).message;
      }
    }
    throw new Error(`local read of ${JSON.stringify(key)} failed: ${last}`);
  }

  /** Every replica's status (an entry with `error` for replicas that did not answer). */
  async status(timeoutMs = 3000): Promise<ReplicaStatusResult[]> {
    const t = await this.transport;
    return Promise.all(
      t.channels.map(async (ch): Promise<ReplicaStatusResult> => {
        try {
          const res = await ch.request({ kind: 'status' }, timeoutMs);
          return res.kind === 'status' ? { replica: ch.replica, status: res.status } : { replica: ch.replica, error: res.kind === 'error' ? res.message : res.kind };
        } catch (e) {
          return { replica: ch.replica, error: (e as Error).message };
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    if (this.ownsTransport) await (await this.transport).close();
  }

  /** The JSON form of a verified receipt's bundle, with the decoded receipt for humans. */
  static bundleJson(r: VerifiedReceipt): BundleJson {
    return bundleToJson(r.bundle, receiptForHumans(r.receipt));
  }

  private chainId(): string {
    const id = (this.cluster.genesis as { chainId?: unknown }).chainId;
    if (typeof id !== 'string') throw new Error('cluster genesis has no chainId: cannot co-sign a governance command');
    return id;
  }

  private nextSeq(): number {
    // Clock-seeded (µs): a client restarted without its seq file still moves forward.
    const seq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    this.lastSeq = seq;
    if (this.seqFile !== undefined) writeFileSync(this.seqFile, `${seq}\n`);
    return seq;
  }

  private order(t: ClientTransport) {
    const n = t.channels.length;
    return Array.from({ length: n }, (_, i) => t.channels[(this.preferred + i) % n]);
  }

  private async submitNow(type: string, fields: Record<string, CanonicalValue>, opts: SubmitOptions): Promise<VerifiedReceipt> {
    if (this.closed) throw new Error('client is closed');
    const t = await this.transport;
    const cmd: KernelCommand = { principal: this.id, seq: this.nextSeq(), type, fields };
    const cosigs = (opts.cosigners ?? []).map((admin) => governanceCosignature(admin, this.chainId(), cmd));
    let envelope: Uint8Array;
    if (this.hybridKey !== null) {
      if (cosigs.length > 0) throw new Error('co-signed governance commands need an Ed25519 client key (envelope v2)');
      envelope = encodeHybridSignedCommand(this.hybridKey, cmd);
    } else envelope = encodeSignedCommand(this.edKey!.secretKey, cmd, this.edKey!.publicKey, cosigs);
    const { record, replica } = await this.submitWithRetries(t, envelope, cmd.seq);

    let signatures;
    try {
      signatures = await t.roots.collect(record, this.timeoutMs);
    } catch (e) {
      throw new VerificationError(`receipt of seq ${cmd.seq} from replica ${replica}: ${(e as Error).message}`);
    }
    const bundle: ReceiptBundle = { record, signatures };
    const v = verifyReceiptBundle(bundle, this.cluster, t.signatures);
    if (!v.ok) throw new VerificationError(`receipt of seq ${cmd.seq} from replica ${replica} does not verify: ${v.reason}`);
    const r = v.receipt;
    // The kernel digests the command as executed: with the verified co-signers as `signers`.
    const executed: KernelCommand = cosigs.length === 0 ? cmd : { ...cmd, signers: cosigs.map((c) => hybridKeyId(c.publicKey)).sort() };
    if (r.principal !== this.id || r.seq !== cmd.seq || !bytesEqual(r.commandDigest, commandDigest(executed))) {
      throw new VerificationError(`replica ${replica} returned a receipt for another command (principal ${r.principal}, seq ${r.seq})`);
    }
    return { receipt: r, bundle, signers: v.signers, replica, seq: cmd.seq };
  }

  private async submitWithRetries(t: ClientTransport, envelope: Uint8Array, seq: number): Promise<{ record: ReceiptRecord; replica: number }> {
    const order = this.order(t);
    const problems: string[] = [];
    // Replicas that answered they do not hold this command's receipt (pruned, restored from a
    // snapshot): another may; only if every replica says so is it final.
    const notStored = new Set<number>();
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const ch = order[attempt % order.length];
      try {
        const res = await ch.request({ kind: 'submit', envelope, wait: true, timeoutMs: this.timeoutMs }, this.timeoutMs + DEADLINE_SLACK_MS);
        switch (res.kind) {
          case 'receipt':
            // Sticky failover: a replica that failed or stalled (down, frozen, partitioned) would
            // cost every later command a full timeout before the retry; the one that answered is
            // asked first from now on.
            if (attempt > 0) this.preferred = t.channels.indexOf(ch);
            return { record: res.receipt, replica: ch.replica };
          case 'error':
            if (res.code === 'bad-envelope' || res.code === 'bad-request') throw new CommandRejectedError(`command rejected by replica ${ch.replica}: ${res.message}`);
            problems.push(`replica ${ch.replica}: ${res.code}: ${res.message}`);
            if (res.code === 'not-stored') {
              notStored.add(ch.replica);
              if (notStored.size === order.length) throw new CommandRejectedError(`no replica holds a receipt for seq ${seq}: ${problems.join('; ')}`);
            }
            break;
          default:
            problems.push(`replica ${ch.replica}: no receipt within ${this.timeoutMs} ms`);
        }
      } catch (e) {
        if (e instanceof CommandRejectedError) throw e;
        if (!(e instanceof ChannelError)) throw e;
        problems.push(e.message);
        // A dead replica fails fast; do not spin through the others without a pause.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new SubmitTimeoutError(`no verified receipt for seq ${seq} after ${this.retries + 1} attempts: ${problems.join('; ')}`, this.id, seq);
  }
}

function isHybrid(k: Ed25519KeyPair | HybridKeyPair): k is HybridKeyPair {
  return (k.publicKey as unknown as { mldsa65?: unknown }).mldsa65 instanceof Uint8Array;
}

function readSeqFile(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`seq file ${file} does not hold a sequence number`);
  return n;
}

export { receiptForHumans };
