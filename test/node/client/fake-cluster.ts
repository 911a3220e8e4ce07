// An in-process stand-in for a replica cluster, for testing the client protocol and the SDK
// without consensus: n real libp2p hosts on 127.0.0.1, each serving /knhk/client/1 through
// mountClientService over a FakeServices. All fakes share one ledger that "commits" every new
// (client, seq) as its own block immediately, with a real receipt, real Merkle proof and real
// hybrid signatures over the execution roots. A replica can be made Byzantine (signs other roots)
// or silent (never answers receipts).
import type { Libp2p } from '@libp2p/interface';
import { toHex } from '../../../crypto/bytes.js';
import type { CanonicalValue } from '../../../crypto/canonical.js';
import { Tag, hashTagged } from '../../../crypto/hash.js';
import { hybridKeyPair, hybridSign, type HybridKeyPair } from '../../../crypto/hybrid.js';
import { merkleProof, merkleRoot } from '../../../crypto/merkle.js';
import { StateReadError, applyBatch, commandDigest, createKernel, encodeReceipt, receiptHash, type Genesis, type KernelCommand, type KernelState, type Receipt } from '../../../kernel/api.js';
import { decodeSignedCommand } from '../../../node/client/envelope.js';
import { mountClientService, type ClientServiceHandle } from '../../../node/client/service.js';
import { DEFAULT_CONSENSUS, type ClusterFile } from '../../../node/cluster/config.js';
import { createHost } from '../../../node/net/host.js';
import { newLibp2pKey, peerIdOf } from '../../../node/net/identity.js';
import { executionRootsMessage } from '../../../node/replica/execution-roots.js';
import type { ClientCommand, ReceiptRecord, ReplicaServices, ReplicaStatus, SignedRoots } from '../../../node/replica/services.js';

interface Block {
  height: number;
  blockHash: Uint8Array;
  receiptBytes: Uint8Array;
  receiptsRoot: Uint8Array;
  stateRoot: Uint8Array;
}

export class FakeLedger {
  readonly blocks: Block[] = [];
  /** With a genesis, commands run through the real kernel; without, a stub register makes the receipts. */
  private kernel: KernelState | null;
  readonly chainId: string | undefined;
  constructor(genesis?: Genesis) {
    this.kernel = genesis ? createKernel(genesis) : null;
    this.chainId = genesis?.chainId;
  }
  readonly byCommand = new Map<string, number>(); // "client/seq" -> height
  readonly state = new Map<string, CanonicalValue>();
  executions = 0;
  private waiters: (() => void)[] = [];
  private prev: Uint8Array = new Uint8Array(32);

  execute(cmd: ClientCommand): void {
    const key = `${cmd.client}/${cmd.seq}`;
    if (this.byCommand.has(key)) return; // deduplicated: a replay never executes twice
    const d = decodeSignedCommand(cmd.bytes, this.chainId === undefined ? undefined : { chainId: this.chainId });
    if (!d.ok) throw new Error(`fake ledger got an unverified command: ${d.reason}`);
    const k = d.kernelCommand;
    this.executions++;
    if (this.kernel !== null) return this.executeWithKernel(key, k);
    if (k.type === 'put') this.state.set(String(k.fields.key), k.fields.value);
    const height = this.blocks.length + 1;
    const receipt: Receipt = {
      index: this.blocks.length,
      height,
      principal: k.principal,
      seq: k.seq,
      type: k.type,
      commandDigest: commandDigest(k),
      descriptorHash: new Uint8Array(32).fill(7),
      descriptorVersion: 1,
      decision: 'ALLOW',
      risk: 'low',
      ruleId: 'kv.allow',
      result: 'ok',
      reason: null,
      effectsDigest: new Uint8Array(32),
      fuelUsed: 1,
      output: k.type === 'get' ? (this.state.get(String(k.fields.key)) ?? null) : null,
      prevReceiptHash: this.prev,
    };
    const receiptBytes = encodeReceipt(receipt);
    this.prev = receiptHash(receiptBytes);
    const receiptsRoot = merkleRoot([receiptBytes]);
    const stateRoot = hashTagged(Tag.stateRoot, Uint8Array.of(height));
    this.blocks.push({ height, blockHash: hashTagged(Tag.block, Uint8Array.of(height & 0xff, height >> 8)), receiptBytes, receiptsRoot, stateRoot });
    this.byCommand.set(key, height);
    this.wake();
  }

  private executeWithKernel(key: string, k: KernelCommand): void {
    const height = this.blocks.length + 1;
    const r = applyBatch(this.kernel!, [k], { height });
    this.kernel = r.state;
    this.blocks.push({ height, blockHash: hashTagged(Tag.block, Uint8Array.of(height & 0xff, height >> 8)), receiptBytes: r.receiptBytes[0], receiptsRoot: r.receiptsRoot, stateRoot: r.stateRoot });
    this.byCommand.set(key, height);
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  record(client: string, seq: number): ReceiptRecord | null {
    const h = this.byCommand.get(`${client}/${seq}`);
    if (h === undefined) return null;
    const b = this.blocks[h - 1];
    return { height: h, blockHash: b.blockHash, index: 0, receiptBytes: b.receiptBytes, proof: merkleProof([b.receiptBytes], 0), receiptsRoot: b.receiptsRoot, stateRoot: b.stateRoot };
  }

  onChange(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
}

export type FakeBehaviour = 'honest' | 'wrong-roots' | 'silent' | 'slow-roots' | 'not-stored';

export class FakeServices implements ReplicaServices {
  readonly n: number;
  readonly f: number;
  behaviour: FakeBehaviour = 'honest';
  submitted = 0;
  private readonly signed = new Map<number, SignedRoots>();

  constructor(
    readonly self: number,
    private readonly ledger: FakeLedger,
    private readonly key: HybridKeyPair,
    n: number,
  ) {
    this.n = n;
    this.f = Math.floor((n - 1) / 3);
  }

  submit(command: ClientCommand): void {
    this.submitted++;
    if (this.behaviour === 'silent') return;
    this.ledger.execute(command);
  }

  async waitForReceipt(client: string, seq: number, timeoutMs: number): Promise<ReceiptRecord | null> {
    if (this.behaviour === 'not-stored') {
      // As node/storage's PrunedError: the receipt is not held here (pruned, or below a snapshot).
      const e = new Error(`receipt not stored here: (client ${client}, seq ${seq}) is below this replica's low-water mark`);
      e.name = 'PrunedError';
      throw e;
    }
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = this.behaviour === 'silent' ? null : this.ledger.record(client, seq);
      if (r !== null) return r;
      const left = end - Date.now();
      if (left <= 0) return null;
      await Promise.race([this.ledger.onChange(), new Promise((res) => setTimeout(res, left))]);
    }
  }

  async signedRoots(height: number, timeoutMs: number): Promise<SignedRoots | null> {
    if (this.behaviour === 'slow-roots') {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return null;
    }
    const b = this.ledger.blocks[height - 1];
    if (b === undefined || this.behaviour === 'silent') return null;
    let s = this.signed.get(height);
    if (s === undefined) {
      const stateRoot = this.behaviour === 'wrong-roots' ? new Uint8Array(32).fill(9) : b.stateRoot;
      const msg = executionRootsMessage(height, b.blockHash, b.receiptsRoot, stateRoot);
      s = { replica: this.self, height, blockHash: b.blockHash, receiptsRoot: b.receiptsRoot, stateRoot, signature: hybridSign(this.key.secretKey, Tag.executionRoots, msg) };
      this.signed.set(height, s);
    }
    return s;
  }

  status(): ReplicaStatus {
    const h = this.ledger.blocks.length;
    return { id: this.self, height: h, executedHeight: h, view: h, leader: 0, peers: [], mempool: 0, lag: 0 };
  }

  /** Same path contract as the real replica: `kv/<key>` names an entry of the fake's one map. */
  localRead(path: string): CanonicalValue | null {
    if (!path.startsWith('kv/')) throw new StateReadError(`the fake declares no state for ${JSON.stringify(path)}`);
    return this.ledger.state.get(path.slice(3)) ?? null;
  }
}

export interface FakeCluster {
  cluster: ClusterFile;
  hosts: Libp2p[];
  services: FakeServices[];
  handles: ClientServiceHandle[];
  ledger: FakeLedger;
  stop(): Promise<void>;
}

// Hybrid key generation costs a few ms each: reuse keys across clusters of one test run.
const keyCache: HybridKeyPair[] = [];
function validatorKey(i: number): HybridKeyPair {
  keyCache[i] ??= hybridKeyPair(hashTagged(Tag.keygenEd25519, Uint8Array.of(0x77, i)));
  return keyCache[i];
}

export async function startFakeCluster(n = 4, genesis?: Genesis): Promise<FakeCluster> {
  const ledger = new FakeLedger(genesis);
  const hosts: Libp2p[] = [];
  const services: FakeServices[] = [];
  const handles: ClientServiceHandle[] = [];
  const validators: ClusterFile['validators'] = [];
  for (let i = 0; i < n; i++) {
    const pk = await newLibp2pKey();
    const host = await createHost({ privateKey: pk, listen: ['/ip4/127.0.0.1/tcp/0'] });
    const svc = new FakeServices(i, ledger, validatorKey(i), n);
    handles.push(await mountClientService(host, svc, { chainId: genesis?.chainId }));
    hosts.push(host);
    services.push(svc);
    const addr = host.getMultiaddrs()[0].toString().replace(/\/p2p\/.*$/, '');
    const kp = validatorKey(i);
    validators.push({
      id: i,
      peerId: peerIdOf(pk),
      hybridPublicKey: { ed25519: toHex(kp.publicKey.ed25519), mldsa65: toHex(kp.publicKey.mldsa65) },
      voteKey: toHex(hashTagged(Tag.keyId, Uint8Array.of(i))),
      region: 'local',
      multiaddrs: [addr],
      metricsPort: 0,
    });
  }
  const cluster: ClusterFile = {
    version: 1,
    f: Math.floor((n - 1) / 3),
    validators,
    genesis: (genesis ?? {}) as unknown as Record<string, unknown>,
    consensus: { ...DEFAULT_CONSENSUS },
  };
  return {
    cluster,
    hosts,
    services,
    handles,
    ledger,
    async stop() {
      for (const h of handles) await h.close();
      await Promise.all(hosts.map((h) => h.stop()));
    },
  };
}
