// applyBatch: one committed block through µ. Order of work, all deterministic:
//   1. a due descriptor swap activates (before any command: one version per batch);
//   2. expired approval requests are dropped;
//   3. each command yields exactly one receipt, chained to the previous one;
//   4. the receipts' Merkle root and the state root close the batch.
// Bad commands never throw: they get `failed`/`denied` receipts. Only a driver bug (a height that
// does not increase, a stale state handle) throws, before anything is consumed or changed.
import { canonicalEncode, canonicalHash, type CanonicalValue } from '../crypto/canonical.js';
import { Tag, hashTagged } from '../crypto/hash.js';
import { merkleRootOfLeafHashes } from '../crypto/merkle.js';
import { shapeProblem } from './command.js';
import { digestCommand } from './command-digest.js';
import { KERNEL_LIMITS } from './limits.js';
import { executeCommand, type ExecContext } from './execute.js';
import { activateDue } from './governance/activate.js';
import { rejected, type Outcome } from './outcome.js';
import { flushExpiries, sweepExpired } from './policy/approvals.js';
import { ByteSlab } from './byte-slab.js';
import { encodeReceiptHashed } from './receipt-encoding.js';
import { consume, storeOf, wrap } from './state/handle.js';
import { K } from './state/keys.js';
import { readTip, writeTip } from './state/tip.js';
import type { ApplyResult, KernelCommand, KernelContext, KernelState, Receipt } from './types.js';

export class KernelUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelUsageError';
  }
}

const NO_COMMAND = hashTagged(Tag.command);
const NO_EFFECTS = hashTagged(Tag.effects, canonicalEncode([]));

export function applyBatch(state: KernelState, batch: KernelCommand[], ctx: KernelContext): ApplyResult {
  const peek = storeOf(state).store;
  const tip = readTip(peek);
  const last = tip.height;
  if (ctx === null || typeof ctx !== 'object' || !Number.isSafeInteger(ctx.height) || ctx.height <= last) {
    throw new KernelUsageError(`applyBatch: ctx.height must be an integer above the last applied height ${last}, got ${String(ctx?.height)}`);
  }
  if (!Array.isArray(batch)) throw new KernelUsageError('applyBatch: batch must be an array of commands');
  const height = ctx.height;
  const taken = consume(state);
  const store = taken.store;
  const active = activateDue(store, height) ?? taken.active;
  sweepExpired(store, height);
  const x: ExecContext = { store, active, height, chainId: store.get(K.chainId) as string, opened: [] };

  // Receipts go to the driver, which owns them: no byte array in a receipt aliases state, the
  // compiled descriptor or a shared constant (hence the copies below).
  let head: Uint8Array = tip.head.slice();
  let index = tip.count;
  const receipts: Receipt[] = new Array(batch.length);
  const receiptBytes: Uint8Array[] = new Array(batch.length);
  const leafHashes: Uint8Array[] = new Array(batch.length);
  // The batch's receipt bytes share a few buffers (see byte-slab.ts), sized to the batch: a
  // typical receipt is ~450 bytes, so small blocks do not pin large buffers.
  const slab = new ByteSlab(Math.min(256 * 1024, Math.max(4096, batch.length * 512)));
  for (let i = 0; i < batch.length; i++) {
    const cmd = batch[i];
    let digest = NO_COMMAND;
    let outcome: Outcome | undefined;
    const problem = shapeProblem(cmd);
    if (problem !== null) outcome = rejected('failed', 'kernel.decode', problem);
    else {
      try {
        const d = digestCommand(cmd);
        digest = d.digest;
        if (d.size > KERNEL_LIMITS.commandBytesMax) {
          outcome = rejected('failed', 'kernel.decode', `command of ${d.size} bytes exceeds ${KERNEL_LIMITS.commandBytesMax}`);
        }
      } catch (e) {
        digest = NO_COMMAND;
        outcome = rejected('failed', 'kernel.decode', `command has no canonical encoding: ${(e as Error).message}`);
      }
      outcome ??= runGuarded(x, cmd, digest);
    }
    if (outcome === undefined) throw new Error('unreachable: every branch sets an outcome');
    const ok = problem === null;
    const receipt: Receipt = {
      index,
      height,
      principal: ok ? cmd.principal : '',
      seq: ok ? cmd.seq : 0,
      type: ok ? cmd.type : '',
      commandDigest: digest === NO_COMMAND ? NO_COMMAND.slice() : digest,
      descriptorHash: active.hash.slice(),
      descriptorVersion: active.version,
      decision: outcome.decision,
      risk: outcome.risk,
      ruleId: outcome.ruleId,
      result: outcome.result,
      reason: outcome.reason,
      effectsDigest: outcome.writes.length === 0 ? NO_EFFECTS.slice() : canonicalHash(Tag.effects, outcome.writes as CanonicalValue),
      fuelUsed: outcome.fuelUsed,
      output: outcome.output,
      prevReceiptHash: head,
    };
    const hashed = encodeReceiptHashed(receipt, slab);
    head = hashed.hash;
    receipts[i] = receipt;
    receiptBytes[i] = hashed.bytes;
    leafHashes[i] = hashed.hash; // the chain link is also the Merkle leaf
    index++;
  }
  flushExpiries(store, x.opened);
  writeTip(store, { height, count: index, head });
  const stateRoot = store.root().slice();
  // The head is also in the state's tip: the driver gets its own copy.
  return { state: wrap(store, active), receipts, receiptBytes, receiptsRoot: merkleRootOfLeafHashes(leafHashes), stateRoot, receiptChainHead: head.slice() };
}

// A bug inside one command must not take the batch (and the replica) down; it becomes a failed
// receipt. The command's journal was never committed, so no partial state remains.
function runGuarded(x: ExecContext, cmd: KernelCommand, digest: Uint8Array): Outcome {
  try {
    return executeCommand(x, cmd, digest);
  } catch (e) {
    return rejected('failed', 'kernel.internal', `internal error: ${(e as Error)?.message ?? String(e)}`);
  }
}
