// The whole vocabulary of the consensus core: what goes in (Input), what comes out (Effect), what
// travels between replicas (Message) and what the driver must give it (ConsensusConfig,
// ConsensusCrypto). The core is chained HotStuff in its 2-chain form (Jolteon / DiemBFT v4), see
// docs/consensus.md. Everything here is plain data: drivers (sim/, node/) encode it as they like.

/** Index 0..n-1 into the validator set. */
export type ReplicaId = number;
/** Round number; view 0 is genesis, the first real view is 1. */
export type View = number;
/** Block height; the genesis block has height 0. */
export type Height = number;
/** 32-byte hash. */
export type Hash = Uint8Array;

/** A client command. Opaque to consensus: `bytes` is the client's signed envelope. Deduplicated by (client, seq). */
export interface Command {
  client: string;
  seq: number;
  bytes: Uint8Array;
}

/** Execution result of a committed block, fed back by the driver and carried in later proposals. */
export interface ExecutedRoots {
  height: Height;
  blockHash: Hash;
  stateRoot: Hash;
  receiptsRoot: Hash;
}

/** One replica's signature inside a certificate. */
export interface VoteSignature {
  voter: ReplicaId;
  signature: Uint8Array;
}

/**
 * 2f+1 votes for one block in one view. The genesis QC (view 0, height 0, genesis hash) has no
 * votes and is valid by definition.
 */
export interface QuorumCert {
  view: View;
  height: Height;
  blockHash: Hash;
  votes: VoteSignature[];
}

/** One entry of a timeout certificate: the signer's timeout for `view` and the view of its highest QC. */
export interface TimeoutSignature {
  voter: ReplicaId;
  highQcView: View;
  signature: Uint8Array;
}

/** 2f+1 timeouts for one view (Jolteon / DiemBFT v4): lets the next leader go on without a QC. */
export interface TimeoutCert {
  view: View;
  timeouts: TimeoutSignature[];
}

/**
 * A block of the chain. `hash` = blockHash(block) (consensus/block.ts) over a fixed-layout header,
 * computed once by the proposer and once by each receiver, which rejects a mismatch.
 */
export interface Block {
  view: View;
  height: Height;
  parent: Hash;
  /** Certifies the parent: justify.blockHash === parent, justify.height === height - 1. */
  justify: QuorumCert;
  proposer: ReplicaId;
  commands: Command[];
  /** Execution result of the highest committed block the proposer has executed (null before any). */
  executed: ExecutedRoots | null;
  hash: Hash;
}

/** A replica's vote for a block, sent to the leader of view + 1. */
export interface Vote {
  view: View;
  height: Height;
  blockHash: Hash;
  voter: ReplicaId;
  signature: Uint8Array;
}

/** "I give up on `view`", broadcast; carries the sender's highest QC so the next leader can extend it. */
export interface TimeoutMsg {
  view: View;
  highQc: QuorumCert;
  voter: ReplicaId;
  /** Signs (view, highQc.view): see consensus/signing.ts. */
  signature: Uint8Array;
}

/** Everything replicas send each other. Closed union: switch on `type` and end with assertNever. */
export type Message =
  /** The leader's block for `block.view`; `tc` is present when the previous view ended by timeout. */
  | { type: 'proposal'; block: Block; tc: TimeoutCert | null; signature: Uint8Array }
  | { type: 'vote'; vote: Vote }
  /** `lastTc` lets a lagging receiver catch up to the sender's view. */
  | { type: 'timeout'; timeout: TimeoutMsg; lastTc: TimeoutCert | null }
  /** Ask for `blockHash` and up to `maxBlocks - 1` of its ancestors (catch-up from peers' memory). */
  | { type: 'syncRequest'; blockHash: Hash; maxBlocks: number }
  /** Answer to syncRequest, oldest block first; empty when the responder no longer holds the block. */
  | { type: 'syncResponse'; blocks: Block[] }
  /** Client commands a non-leader hands to the leader of its current view. */
  | { type: 'forward'; commands: Command[] };

export type MessageType = Message['type'];

/** What the driver feeds the core. Closed union. */
export type Input =
  /** Once, after construction (fresh or recovered): arms the first timer, maybe proposes. */
  | { type: 'start' }
  /** `from` is the authenticated sender (the driver maps peer identity to ReplicaId). */
  | { type: 'message'; from: ReplicaId; message: Message }
  | { type: 'clientCommand'; command: Command }
  /** A timer set by a `setTimer` effect fired. Stale views are ignored. */
  | { type: 'timer'; view: View }
  /** The driver executed the committed block at `height` (in height order, each once). */
  | { type: 'executed'; height: Height; blockHash: Hash; stateRoot: Hash; receiptsRoot: Hash };

/** Why a peer message or client command was dropped (for metrics; never thrown). */
export type DropReason =
  | 'unknownSender'
  | 'badSignature'
  | 'badHash'
  | 'badCertificate'
  | 'wrongProposer'
  | 'malformed'
  | 'oversized'
  | 'staleView'
  | 'futureView'
  | 'duplicate'
  /** A client command already committed (a retry): the driver should answer from its stored receipt. */
  | 'alreadyCommitted'
  | 'notLeader'
  | 'unsafe'
  | 'conflict'
  | 'mempoolFull'
  | 'executionMismatch';

/** Things worth an operator's attention: evidence of faults, not routine drops. */
export type ReportKind =
  /** A proposal's executed roots differ from ours for that height: we refused to vote. */
  | 'stateRootMismatch'
  /** A replica signed two different proposals/votes in one view. */
  | 'equivocation'
  /** A QC would commit a block that conflicts with our committed chain (> f faulty replicas). */
  | 'conflictingCommit'
  /** Peers no longer hold the blocks we miss: the driver must state-sync from a snapshot. */
  | 'syncGap';

/** What the core asks the driver to do. Carried out IN ORDER (see the effect contract below). */
export type Effect =
  /** Make `safety` durable. MUST complete before any later effect of the same step is carried out. */
  | { type: 'persist'; safety: SafetyState }
  | { type: 'send'; to: ReplicaId; message: Message }
  /** Send to every replica except self. */
  | { type: 'broadcast'; message: Message }
  /** Deliver `{ type: 'timer', view }` after `durationMs`. Older timers may be left running. */
  | { type: 'setTimer'; view: View; durationMs: number }
  /**
   * `block` is committed (height order, each height once, `qc` certifies it or a descendant).
   * The driver executes it and feeds back `executed`, also in height order.
   */
  | { type: 'commit'; block: Block; qc: QuorumCert }
  | { type: 'report'; kind: ReportKind; detail: string }
  | { type: 'dropped'; from: ReplicaId | 'client'; reason: DropReason; detail?: string };

export type EffectType = Effect['type'];

/**
 * The state that must survive a crash so that a restarted replica never votes twice in a view or
 * votes against its lock. Persisted (effect `persist`) before any vote or timeout leaves.
 */
export interface SafetyState {
  /** Highest view in which this replica voted or timed out; it never votes in a view <= this again. */
  highestVotedView: View;
  /** 2-chain lock: the highest QC view among justifies of blocks it voted for (DiemBFT's highest_qc_round). */
  lockedView: View;
  /** Highest QC known (not safety-critical; restores the proposer's starting point). */
  highQc: QuorumCert;
  /**
   * The TC that ended the view before the current one, if it ended by timeout (not safety-critical).
   * A restarted replica re-enters its view with it and attaches it to its timeouts, so replicas
   * left behind can follow; without it they may never gather 2f+1 timeouts of one view. Optional:
   * a driver that does not store it only loses that help.
   */
  lastTc?: TimeoutCert | null;
}

/** What a restarted replica gets back from its storage. */
export interface RecoveredState {
  safety: SafetyState;
  /** Highest committed block and the QC that certifies it (null: nothing beyond genesis). */
  committed: { block: Block; qc: QuorumCert } | null;
  /** Execution result of the highest executed block (normally the committed one). */
  executed?: ExecutedRoots;
}

/** Injected signer/verifier for votes, timeouts and proposals. Sim: a fast stand-in; node: Ed25519. */
export interface ConsensusCrypto {
  sign(bytes: Uint8Array): Uint8Array;
  /** Never throws; false for anything that is not a valid signature of `replica`. */
  verify(replica: ReplicaId, bytes: Uint8Array, signature: Uint8Array): boolean;
}

/** Test-only switches that deliberately break one safety rule, so the simulator can prove it catches it. */
export interface UnsafeTestOnly {
  /** Voting rule: accept a TC-justified block even if it extends a QC older than the TC's highest. */
  skipLockCheck?: boolean;
  /** Voting rule: vote again in a view already voted (or timed out) in. */
  skipVotedViewCheck?: boolean;
  /** Commit rule: commit a block as soon as it has a QC (1-chain) instead of a 2-chain. */
  commitOnOneChain?: boolean;
}

export interface ConsensusConfig {
  /** Number of replicas, n = 3f + 1. */
  n: number;
  f: number;
  self: ReplicaId;
  /** Batching: a leader proposes at most this many commands / command bytes per block. */
  maxBatchCommands: number;
  maxBatchBytes: number;
  /** Largest single command (bytes of its envelope); default 64 KiB. */
  maxCommandBytes?: number;
  /** Pending commands kept in the mempool; default 100,000. */
  maxPendingCommands?: number;
  /** Pacemaker: timeout for a view = min(base * 2^consecutiveFailures, max). */
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  /** Messages for views further ahead than this (without a certificate) are dropped; default 1000. */
  viewWindow?: number;
  /** Blocks per sync response; default 64. Committed blocks kept in memory for peers; default 256. */
  maxSyncBlocks?: number;
  retainCommittedBlocks?: number;
  /**
   * Forward a client command received by a non-leader to the leader of the current view (default
   * true). Drivers whose clients send every command to all replicas (the simulator) set false.
   */
  forwardCommands?: boolean;
  /** Leader of a view; default round-robin `view % n`. Must be the same function on every replica. */
  leaderOf?: (view: View) => ReplicaId;
  unsafeTestOnly?: UnsafeTestOnly;
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
