// Public surface of the kernel µ. Drivers (node/, sim/), the CLI and tests import only this file.
//
//   const s0 = createKernel(genesis);                       // throws on an invalid genesis
//   const r = applyBatch(s0, commands, { height: 1 });        // never throws on bad commands
//   r.receipts / r.receiptBytes / r.receiptsRoot / r.stateRoot; r.state is the new state
//   verifyReceipt(r.receiptBytes[i], merkleProof(r.receiptBytes, i), r.receiptsRoot) === true
//
// Same genesis and same batches give byte-identical receipts and roots on every run and machine.
// Semantics (descriptor format, built-in commands, receipts, state root): docs/kernel.md.
export type {
  ApplyResult,
  Decision,
  Genesis,
  KernelCommand,
  KernelContext,
  KernelState,
  PrincipalEntry,
  Receipt,
  ReceiptResult,
  Risk,
} from './types.js';

/** encodeCommand(cmd): Uint8Array / decodeCommand(bytes): KernelCommand (strict; throws CommandDecodeError). */
export { encodeCommand, decodeCommand, commandDigest, CommandDecodeError } from './command.js';
/** encodeReceipt / decodeReceipt (strict) / receiptHash(bytes) / verifyReceipt(bytes, proof, root): boolean. */
export { encodeReceipt, decodeReceipt, receiptHash, verifyReceipt, ReceiptDecodeError } from './receipt.js';
/** createKernel(genesis): KernelState; applyBatch(state, batch, ctx): ApplyResult. */
export { createKernel, GenesisError } from './genesis.js';
export { applyBatch, KernelUsageError } from './apply.js';
/** previewDecision(state, cmd, ctx): DecisionPreview — the decision without executing (dry run). */
export { previewDecision, type DecisionPreview } from './preview.js';
export { readState, StateReadError } from './read.js';
export { lastAcceptedSeq } from './last-seq.js';
/** stateRoot(state), snapshotState(state), restoreState(bytes), forkState(state), StaleStateError. */
export { stateRoot, snapshotState, snapshotEncoder, stateKeyCount, restoreState, forkState, StaleStateError } from './state/handle.js';
export { SnapshotError, SnapshotEncoder } from './state/snapshot.js';
/** Descriptor compiler: compileDescriptor(source) throws DescriptorCompileError (errors name paths). */
export { compileDescriptor, descriptorHash, DescriptorCompileError } from './descriptor/compile.js';
export type { CompiledDescriptor, DescriptorError } from './descriptor/compiled.js';
/**
 * Governance: the bytes admins hybrid-sign (tag GOVERNANCE_SIGNING_TAG) for a gov.* command, or
 * null for commands that need no admin signatures. The driver verifies each admin signature over
 * exactly these bytes and lists the verified key ids in `cmd.signers`.
 */
export { governancePayload, GOVERNANCE_SIGNING_TAG } from './governance/payload.js';
/** verifiedGovernanceSigners(chainId, cmd, [{ publicKey, signature }]): string[] — for drivers, to fill cmd.signers. */
export { verifiedGovernanceSigners, type AdminSignature } from './governance/signers.js';
/** activeDescriptorInfo(state): { version, hash, pendingSwap } for status displays. */
export { activeDescriptorInfo, type DescriptorInfo } from './governance/info.js';
/** Limits on command sizes, fields, signers, fuel (failed receipts name the limit). */
export { KERNEL_LIMITS, FUEL_PRICE } from './limits.js';
