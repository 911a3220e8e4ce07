// The mutable state of one replica's core and the helpers every handler shares. Handlers live in
// their own files (proposer, voter, certificates, timeouts, sync) and take this state plus the list
// of effects being built for the current step; only Replica.step creates that list.
import { genesisBlock, hashKey } from './block.js';
import { BlockTree } from './block-tree.js';
import { Mempool } from './mempool.js';
import { Pacemaker, roundRobinLeader } from './pacemaker.js';
import { TimeoutCollector, VoteCollector } from './quorum.js';
import type { ShapeLimits } from './shape.js';
import type {
  Block, ConsensusConfig, ConsensusCrypto, Effect, ExecutedRoots, Hash, Height, QuorumCert, RecoveredState, ReplicaId, SafetyState,
  TimeoutCert, TimeoutMsg, UnsafeTestOnly, View,
} from './types.js';

/** Config with every default filled in and checked once. */
export interface ResolvedConfig {
  n: number;
  f: number;
  self: ReplicaId;
  maxBatchCommands: number;
  maxBatchBytes: number;
  maxCommandBytes: number;
  maxPendingCommands: number;
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  viewWindow: number;
  maxSyncBlocks: number;
  retainCommittedBlocks: number;
  leaderOf: (view: View) => ReplicaId;
  forwardCommands: boolean;
  unsafe: UnsafeTestOnly;
}

/** Executed roots remembered per height, to check proposals that carry slightly older roots. */
export const EXECUTED_HISTORY = 256;
/** Verified certificates remembered (so each signature is checked once). */
export const VERIFIED_CACHE = 4096;

const positive = (x: number): boolean => Number.isSafeInteger(x) && x > 0;

export function resolveConfig(c: ConsensusConfig): ResolvedConfig {
  if (!positive(c.n) || !Number.isSafeInteger(c.f) || c.f < 0 || c.n < 3 * c.f + 1) throw new Error(`consensus config: need n >= 3f+1 (n=${c.n}, f=${c.f})`);
  if (!Number.isSafeInteger(c.self) || c.self < 0 || c.self >= c.n) throw new Error(`consensus config: self ${c.self} not in 0..${c.n - 1}`);
  if (!positive(c.maxBatchCommands) || !positive(c.maxBatchBytes)) throw new Error('consensus config: batch limits must be positive integers');
  if (!(c.baseTimeoutMs > 0) || !(c.maxTimeoutMs >= c.baseTimeoutMs)) throw new Error('consensus config: need 0 < baseTimeoutMs <= maxTimeoutMs');
  return {
    n: c.n,
    f: c.f,
    self: c.self,
    maxBatchCommands: c.maxBatchCommands,
    maxBatchBytes: c.maxBatchBytes,
    maxCommandBytes: c.maxCommandBytes ?? 64 * 1024,
    maxPendingCommands: c.maxPendingCommands ?? 100_000,
    baseTimeoutMs: c.baseTimeoutMs,
    maxTimeoutMs: c.maxTimeoutMs,
    viewWindow: c.viewWindow ?? 1000,
    maxSyncBlocks: c.maxSyncBlocks ?? 64,
    retainCommittedBlocks: Math.max(c.retainCommittedBlocks ?? 256, 2),
    leaderOf: c.leaderOf ?? roundRobinLeader(c.n),
    forwardCommands: c.forwardCommands ?? true,
    unsafe: c.unsafeTestOnly ?? {},
  };
}

/** A proposal that passed validation but cannot be voted on yet (parent missing or execution behind). */
export interface AwaitingProposal {
  block: Block;
  tc: TimeoutCert | null;
  from: ReplicaId;
}

export interface ReplicaState {
  cfg: ResolvedConfig;
  crypto: ConsensusCrypto;
  limits: ShapeLimits;
  safety: SafetyState;
  pm: Pacemaker;
  tree: BlockTree;
  mempool: Mempool;
  votes: VoteCollector;
  timeouts: TimeoutCollector;
  /** Verified QCs by certKey: a certificate's signatures are checked once. */
  verifiedQcs: Map<string, QuorumCert>;
  verifiedTcs: Set<string>;
  executed: ExecutedRoots | null;
  /** Height at which execution (re)starts minus one: 0, or the recovered committed block's height. */
  executedFloor: Height;
  executedByHeight: Map<Height, ExecutedRoots>;
  /** Last view this replica proposed in. */
  proposedView: View;
  /** First proposal hash seen per view (equivocation detection). */
  proposalsSeen: Map<View, Hash>;
  awaiting: AwaitingProposal | null;
  /** A QC whose commit waits for missing blocks. */
  pendingCommit: QuorumCert | null;
  /** Sync requests in flight: block hash key -> view when asked. */
  syncRequested: Map<string, View>;
  /** Highest QC view whose processing committed a block carrying commands (see proposer.ts). */
  lastCommittingQcView: View;
  /** Our timeout message for the current view, re-sent on each later timer. */
  ownTimeout: TimeoutMsg | null;
}

export function certKey(qc: { view: View; height: Height; blockHash: Hash }): string {
  return `${qc.view}:${qc.height}:${hashKey(qc.blockHash)}`;
}

export function createState(config: ConsensusConfig, crypto: ConsensusCrypto, recovered?: RecoveredState): ReplicaState {
  const cfg = resolveConfig(config);
  const root = recovered?.committed?.block ?? genesisBlock();
  let safety: SafetyState = recovered?.safety ?? { highestVotedView: 0, lockedView: 0, highQc: genesisBlock().justify };
  // highQc is persisted lazily (with the next vote or timeout); the committed block's QC may be newer.
  const committedQc = recovered?.committed?.qc;
  if (committedQc !== undefined && committedQc.view > safety.highQc.view) safety = { ...safety, highQc: committedQc };
  const lastTc = safety.lastTc ?? null;
  const startView = Math.max(safety.highQc.view + 1, lastTc === null ? 0 : lastTc.view + 1, safety.highestVotedView, 1);
  const executed = recovered?.executed ?? null;
  const s: ReplicaState = {
    cfg,
    crypto,
    limits: { n: cfg.n, maxBatchCommands: cfg.maxBatchCommands, maxBatchBytes: cfg.maxBatchBytes, maxCommandBytes: cfg.maxCommandBytes, maxSyncBlocks: cfg.maxSyncBlocks },
    safety,
    pm: new Pacemaker(startView, cfg.baseTimeoutMs, cfg.maxTimeoutMs, lastTc !== null && lastTc.view + 1 === startView ? lastTc : null),
    tree: new BlockTree(root, cfg.retainCommittedBlocks),
    mempool: new Mempool(cfg.maxPendingCommands),
    votes: new VoteCollector(cfg.f),
    timeouts: new TimeoutCollector(cfg.f),
    verifiedQcs: new Map(),
    verifiedTcs: new Set(),
    executed,
    executedFloor: root.height,
    executedByHeight: new Map(),
    proposedView: safety.highestVotedView,
    proposalsSeen: new Map(),
    awaiting: null,
    pendingCommit: null,
    syncRequested: new Map(),
    lastCommittingQcView: -1,
    ownTimeout: null,
  };
  if (executed !== null) s.executedByHeight.set(executed.height, executed);
  s.verifiedQcs.set(certKey(safety.highQc), safety.highQc);
  return s;
}

/** Bounded insert into a Map used as a cache: evicts the oldest entry. */
export function cachePut<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  if (m.size >= max) {
    const first = m.keys().next();
    if (first.done !== true) m.delete(first.value);
  }
  m.set(k, v);
}

export type Out = Effect[];

/** Emit `persist` for the current safety state, with the TC that justified the current view. */
export function persistSafety(s: ReplicaState, out: Out): void {
  const prior = s.safety;
  // A literal, not a spread: this runs on every vote and timeout.
  s.safety = { highestVotedView: prior.highestVotedView, lockedView: prior.lockedView, highQc: prior.highQc, lastTc: s.pm.lastTc };
  out.push({ type: 'persist', safety: s.safety });
}
