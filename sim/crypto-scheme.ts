// The two signature schemes a run can use, behind one shape:
//   standin  the fast deterministic MAC of sim/keys.ts, for sweeps (a sign/verify costs ~1 µs);
//   real     what node/ runs: Ed25519 (crypto/ed25519.ts) for consensus messages and client
//            commands, and hybrid Ed25519 + ML-DSA-65 (crypto/hybrid.ts) signatures over every
//            committed block's execution roots, verified by the run's checkers.
// Key material is derived from the run's seed so `real` runs are reproducible too (Ed25519 and
// ML-DSA signing are deterministic).
import type { ConsensusCrypto, ReplicaId } from '../consensus/types.js';
import { hashTagged } from '../crypto/hash.js';
import { toHex, utf8 } from '../crypto/bytes.js';
import { ed25519KeyId, ed25519KeyPair, ed25519Sign, ed25519Verify } from '../crypto/ed25519.js';
import { hybridKeyPair, hybridSign, hybridVerify, type HybridKeyPair } from '../crypto/hybrid.js';
import { EXECUTION_ROOTS_TAG, executionRootsMessage } from '../node/replica/execution-roots.js';
import { StandInKeyRegistry, type SignFn } from './keys.js';
import type { KernelCommand } from '../kernel/api.js';
import { decodeSignedCommand, encodeSignedCommand } from '../node/client/envelope.js';
import { openStandIn, sealStandIn, type OpenedCommand } from './envelope.js';
import type { Prng } from './prng.js';
import { ContentMemo } from './content-memo.js';

export type CryptoMode = 'standin' | 'real';

export interface RootsSignature {
  replica: ReplicaId;
  height: number;
  message: Uint8Array;
  signature: ReturnType<typeof hybridSign>;
}

export interface SimCrypto {
  mode: CryptoMode;
  /** The signer/verifier handed to replica `id`'s core; Twins get the same identity's signer. */
  consensusCrypto(id: ReplicaId): ConsensusCrypto;
  /** Only the bare signing function of `id` (what a Byzantine wrapper may use to sign its lies). */
  replicaSigner(id: ReplicaId): SignFn;
  /** A client's principal (its key id) and the function sealing its commands into signed envelopes. */
  client(name: string): { principal: string; seal(cmd: KernelCommand): Uint8Array };
  /** What every replica does to a command's bytes before the kernel sees it (never throws); `key`: contentKey(bytes) if known. */
  openCommand(bytes: Uint8Array, key?: string): OpenedCommand;
  /** real mode: replica `id` hybrid-signs a block's execution roots; standin: null (not modelled). */
  signRoots(id: ReplicaId, height: number, blockHash: Uint8Array, receiptsRoot: Uint8Array, stateRoot: Uint8Array): RootsSignature | null;
  verifyRoots(sig: RootsSignature): boolean;
}

const SEED_TAG = 'knhk/sim/key-seed';

export function createSimCrypto(mode: CryptoMode, n: number, prng: Prng): SimCrypto {
  const inner = mode === 'real' ? realCrypto(n, prng) : standInCrypto(prng);
  // A command's envelope is checked at admission and again at execution on every replica: 2n checks
  // of the same bytes, which in wire mode arrive as several distinct Uint8Array objects. The verdict
  // is a pure function of the bytes, so the simulator remembers it per content (sim/content-memo.ts):
  // each distinct envelope is verified once per run. Only CPU is saved; no verdict can differ.
  const verdicts = new ContentMemo<OpenedCommand>((bytes) => inner.openCommand(bytes));
  return {
    ...inner,
    openCommand(bytes, key) {
      if (!(bytes instanceof Uint8Array)) return inner.openCommand(bytes);
      return verdicts.get(bytes, key);
    },
  };
}

function standInCrypto(prng: Prng): SimCrypto {
  const registry = new StandInKeyRegistry(prng);
  // Identity strings are built once per replica id, not per signature check (a fresh string would be hashed anew by every lookup).
  const identities: string[] = [];
  const replicaIdentity = (id: ReplicaId): string => (Number.isInteger(id) && id >= 0 && id < 1024 ? (identities[id] ??= `replica:${id}`) : `replica:${id}`);
  const principals = new Map<string, string>();
  return {
    mode: 'standin',
    consensusCrypto(id) {
      const sign = registry.signerFor(replicaIdentity(id));
      return { sign, verify: (replica, bytes, sig) => registry.verify(replicaIdentity(replica), bytes, sig) };
    },
    replicaSigner: (id) => registry.signerFor(replicaIdentity(id)),
    client(name) {
      const principal = toHex(hashTagged('knhk/sim/client-id', utf8(name))).slice(0, 40);
      principals.set(principal, name);
      const sign = registry.signerFor(`client:${name}`);
      return { principal, seal: (cmd) => sealStandIn(cmd, sign) };
    },
    openCommand(bytes) {
      return openStandIn(bytes, (principal, message, sig) => {
        const name = principals.get(principal);
        return name !== undefined && registry.verify(`client:${name}`, message, sig);
      });
    },
    signRoots: () => null,
    verifyRoots: () => false,
  };
}

function realCrypto(n: number, prng: Prng): SimCrypto {
  const seedOf = (label: string) => hashTagged(SEED_TAG, prng.bytes(32), utf8(label));
  const replicaKeys = Array.from({ length: n }, (_, i) => ed25519KeyPair(seedOf(`replica:${i}`)));
  const rootKeys: HybridKeyPair[] = [];
  const rootKey = (id: ReplicaId) => {
    // ML-DSA keygen costs ~3 ms: make each replica's hybrid key only when first needed.
    while (rootKeys.length <= id) rootKeys.push(hybridKeyPair(seedOf(`roots:${rootKeys.length}`)));
    return rootKeys[id];
  };
  const verifyReplica = (replica: ReplicaId, bytes: Uint8Array, sig: Uint8Array) =>
    Number.isInteger(replica) && replica >= 0 && replica < n && ed25519Verify(replicaKeys[replica].publicKey, bytes, sig);
  return {
    mode: 'real',
    consensusCrypto(id) {
      const sk = replicaKeys[id].secretKey;
      return { sign: (bytes) => ed25519Sign(sk, bytes), verify: verifyReplica };
    },
    replicaSigner(id) {
      const sk = replicaKeys[id].secretKey;
      return (bytes) => ed25519Sign(sk, bytes);
    },
    client(name) {
      const kp = ed25519KeyPair(seedOf(`client:${name}`));
      return { principal: ed25519KeyId(kp.publicKey), seal: (cmd) => encodeSignedCommand(kp.secretKey, cmd, kp.publicKey) };
    },
    openCommand(bytes) {
      // The production envelope check: Ed25519 (ZIP-215) over the client-command digest.
      const r = decodeSignedCommand(bytes);
      return r.ok ? { ok: true, client: r.command.client, seq: r.command.seq, kernelCommand: r.kernelCommand } : r;
    },
    signRoots(id, height, blockHash, receiptsRoot, stateRoot) {
      const message = executionRootsMessage(height, blockHash, receiptsRoot, stateRoot);
      return { replica: id, height, message, signature: hybridSign(rootKey(id).secretKey, EXECUTION_ROOTS_TAG, message) };
    },
    verifyRoots(sig) {
      return hybridVerify(rootKey(sig.replica).publicKey, EXECUTION_ROOTS_TAG, sig.message, sig.signature);
    },
  };
}
