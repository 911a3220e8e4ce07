// Rebuilds a replica from its database on start: safety state (so it never votes twice in a view
// it voted in before the crash), the committed chain tip with its certificate, and the kernel state
// (latest stored snapshot, then the stored blocks after it, re-executed and checked against the
// roots recorded when they were first executed — a mismatch means the database or the kernel is
// broken, and the replica refuses to start rather than sign wrong roots).
import { genesisQc } from '../../consensus/block.js';
import type { RecoveredState, SafetyState } from '../../consensus/types.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { createKernel, restoreState, stateRoot, type Genesis, type KernelState } from '../../kernel/api.js';
import type { Logger } from '../log/logger.js';
import type { ExecutionRecord } from '../storage/records.js';
import { StoreCorruptError } from '../storage/records.js';
import type { ReplicaStore } from '../storage/replica-store.js';
import { executeBlock } from './executor.js';

export interface Recovered {
  kernel: KernelState;
  /** For `new Replica(config, crypto, recovered)`; undefined on a fresh database. */
  consensus: RecoveredState | undefined;
  /** Execution of the tip block (null at genesis). */
  tipExecution: ExecutionRecord | null;
  /** Blocks re-executed to rebuild the kernel state. */
  replayed: number;
}

export function freshSafety(): SafetyState {
  return { highestVotedView: 0, lockedView: 0, highQc: genesisQc() };
}

export async function recover(store: ReplicaStore, genesis: Genesis, log: Logger): Promise<Recovered> {
  const tip = store.tip;
  if (tip === 0) return { kernel: createKernel(genesis), consensus: await consensusRecovery(store), tipExecution: null, replayed: 0 };
  const committed = await store.getCommitted(tip);
  const tipExecution = await store.getExecution(tip);
  if (committed === null || tipExecution === null) throw new StoreCorruptError('tip', `block or execution at height ${tip} missing`);

  let kernel: KernelState;
  let from = 1;
  const snap = await store.loadSnapshot();
  if (snap !== null && snap.at.block.height <= tip) {
    kernel = restoreState(snap.state);
    if (!bytesEqual(stateRoot(kernel), snap.stateRoot)) throw new StoreCorruptError('snapshot', `state root does not match at height ${snap.at.block.height}`);
    from = snap.at.block.height + 1;
  } else {
    kernel = createKernel(genesis);
  }
  for (let h = from; h <= tip; h++) {
    const c = await store.getCommitted(h);
    const stored = await store.getExecution(h);
    if (c === null || stored === null) throw new StoreCorruptError('chain', `height ${h} missing while replaying to ${tip}`);
    const ex = executeBlock(kernel, c.block, genesis.chainId);
    kernel = ex.state;
    if (!bytesEqual(ex.execution.stateRoot, stored.stateRoot) || !bytesEqual(ex.execution.receiptsRoot, stored.receiptsRoot)) {
      throw new StoreCorruptError('chain', `re-executing height ${h} gives different roots than recorded (non-deterministic kernel or corrupt database)`);
    }
  }
  const replayed = tip - from + 1;
  log.info({ tip, snapshot: from - 1, replayed }, 'recovered from database');

  return { kernel, consensus: await consensusRecovery(store), tipExecution, replayed };
}

/**
 * What the consensus core needs to resume at the stored tip: safety state, the tip block with its
 * certificate and its executed roots. Used on start and after catch-up moved the tip.
 */
export async function consensusRecovery(store: ReplicaStore): Promise<RecoveredState | undefined> {
  const safety = await store.loadSafety();
  const tip = store.tip;
  if (tip === 0) return safety ? { safety, committed: null } : undefined;
  const committed = await store.getCommitted(tip);
  const e = await store.getExecution(tip);
  if (committed === null || e === null) throw new StoreCorruptError('tip', `block or execution at height ${tip} missing`);
  // A replica that only ever caught up (never voted) may have no safety state yet; its highest QC
  // must not point below its committed tip, whose ancestors it no longer keeps in memory.
  let s = safety ?? freshSafety();
  if (s.highQc.height < tip && committed.qc.height >= tip) s = { ...s, highQc: committed.qc };
  return { safety: s, committed, executed: { height: tip, blockHash: e.blockHash, stateRoot: e.stateRoot, receiptsRoot: e.receiptsRoot } };
}
