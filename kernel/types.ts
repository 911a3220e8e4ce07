// The kernel's boundary types: what a driver hands to µ (commands, genesis, a height) and what it
// gets back (receipts and roots). Plain data only, so every value here canonical-encodes.
import type { CanonicalValue } from '../crypto/canonical.js';

/**
 * A decoded, already-authenticated observation. `principal` is the key id of the client whose
 * signature the driver checked; `signers` are key ids whose extra signatures (admins over a
 * governance payload, see `governancePayload`) the driver also verified over this command.
 */
export interface KernelCommand {
  principal: string;
  /** Per-principal sequence number: must be strictly greater than the last one this principal used. */
  seq: number;
  type: string;
  fields: Record<string, CanonicalValue>;
  signers?: string[];
}

/** What the driver knows about the block being executed. */
export interface KernelContext {
  /** Height of the committed block; strictly increasing from batch to batch. */
  height: number;
}

export type Decision = 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL';
export type Risk = 'none' | 'low' | 'medium' | 'high' | 'critical';
/**
 * ok: effects applied. denied: policy said no (DENY, unknown principal, missing capability).
 * pending: REQUIRE_APPROVAL opened an approval request (output names it). failed: the command was
 * malformed, replayed, out of fuel or its effects could not apply; `reason` says which.
 */
export type ReceiptResult = 'ok' | 'denied' | 'pending' | 'failed';

/** One per command, chained by `prevReceiptHash`. Encoded canonically (encodeReceipt). */
export interface Receipt {
  /** Position in this kernel's receipt chain (0 = first command ever executed). */
  index: number;
  height: number;
  principal: string;
  seq: number;
  type: string;
  /** hashTagged(Tag.command, encodeCommand(cmd)). */
  commandDigest: Uint8Array;
  descriptorHash: Uint8Array;
  descriptorVersion: number;
  decision: Decision;
  risk: Risk;
  /** Id of the rule that decided, or of the built-in check (e.g. `kernel.replay`); null for the default decision. */
  ruleId: string | null;
  result: ReceiptResult;
  /** Why the command was denied or failed; null when ok/pending. */
  reason: string | null;
  /** Digest of the ordered state writes this command made (the digest of an empty list when none). */
  effectsDigest: Uint8Array;
  fuelUsed: number;
  /** What the command returns to its client (a `get` returns the value read, or null). */
  output: CanonicalValue;
  /** Hash of the previous receipt (32 zero bytes for the first). */
  prevReceiptHash: Uint8Array;
}

export interface ApplyResult {
  state: KernelState;
  receipts: Receipt[];
  /** encodeReceipt(receipts[i]): the Merkle leaves of `receiptsRoot`. */
  receiptBytes: Uint8Array[];
  receiptsRoot: Uint8Array;
  stateRoot: Uint8Array;
  /** The receipt chain's head after this batch: receiptHash of its last receipt (the previous head when the batch is empty; 32 zero bytes before any receipt). */
  receiptChainHead: Uint8Array;
}

/** A principal's entry in the capability registry. */
export interface PrincipalEntry {
  /** Command types this principal may submit; `*` = every descriptor command. */
  commands: string[];
  /** Roles, read by guards (`hasRole`) and approval gates (`approvers: { role }`). */
  roles?: string[];
}

/** The first state of every replica; all replicas of a cluster must use byte-identical genesis. */
export interface Genesis {
  chainId: string;
  /** Hybrid key ids (hybridKeyId) of the descriptor admins. */
  admins: string[];
  /** How many distinct admins must sign a governance command (m of admins.length). */
  adminThreshold: number;
  /** The initial descriptor document (parsed JSON), installed and active as its own version. */
  descriptor: CanonicalValue;
  /** Capability registry: principal key id -> what it may do. */
  principals: Record<string, PrincipalEntry>;
}

/**
 * Opaque kernel state. applyBatch takes ownership of the state it is given: afterwards only the
 * returned state is usable and the old handle throws `StaleStateError` (use `forkState` first if
 * you need to keep both). This keeps apply O(batch) instead of copying the state per block.
 */
export interface KernelState {
  readonly __kernelState: true;
}
