// The contract between the replica driver (node/replica/) and the client service (node/client/).
// The client service admits verified client commands through `submit` and answers clients with
// receipts, inclusion proofs and hybrid-signed execution roots; the replica driver implements it.
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { HybridSignature } from '../../crypto/hybrid.js';
import type { MerkleProof } from '../../crypto/merkle.js';

/** An opaque client command as consensus orders it: `bytes` is the signed envelope (node/client/envelope.ts). */
export interface ClientCommand {
  client: string;
  seq: number;
  bytes: Uint8Array;
}

export interface ReplicaServices {
  readonly f: number;
  readonly n: number;
  readonly self: number;
  /** Admit a client command (envelope bytes already verified by the client service) to consensus; duplicates by (client, seq) are ignored. */
  submit(command: ClientCommand): void;
  /** Resolves when the command (client, seq) is committed and executed here (or immediately if it already was), null on timeout. */
  waitForReceipt(client: string, seq: number, timeoutMs: number): Promise<ReceiptRecord | null>;
  /** This replica's hybrid-signed execution roots for a height (waits up to timeoutMs for the signature to be made). */
  signedRoots(height: number, timeoutMs: number): Promise<SignedRoots | null>;
  status(): ReplicaStatus;
  /** Optional local (non-linearizable) read of descriptor state: `path` = `<state>` or `<state>/<mapKey>`; null when absent. */
  localRead?(key: string): CanonicalValue | null;
}

/** Where a command's receipt sits: the block that executed it and the proof against that block's receipts root. */
export interface ReceiptRecord {
  height: number;
  blockHash: Uint8Array;
  index: number;
  receiptBytes: Uint8Array;
  proof: MerkleProof;
  receiptsRoot: Uint8Array;
  stateRoot: Uint8Array;
}

/**
 * One replica's hybrid signature over the results of executing one block. The signed bytes are
 * `executionRootsMessage(...)` in node/replica/execution-roots.ts with tag `Tag.executionRoots`.
 */
export interface SignedRoots {
  replica: number;
  height: number;
  blockHash: Uint8Array;
  receiptsRoot: Uint8Array;
  stateRoot: Uint8Array;
  signature: HybridSignature;
  /** Where these roots sit in the batch the signature covers (see execution-roots.ts); absent: signed alone. */
  batch?: MerkleProof;
}

export interface ReplicaStatus {
  id: number;
  /** Height of the highest committed block known here. */
  height: number;
  /** Height of the highest block this replica has executed with the kernel. */
  executedHeight: number;
  view: number;
  leader: number;
  /** Validator ids with a live connection. */
  peers: number[];
  /** Client commands waiting to be proposed. */
  mempool: number;
  /** Highest committed height reported by any peer minus ours (0 when unknown or ahead). */
  lag: number;
}
