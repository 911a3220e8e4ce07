// The driver's execution results coming back. They must arrive in height order, one per committed
// block, with the block's hash: anything else is a driver bug and throws. Recent results are kept
// by height so proposals that carry a slightly older height can still be checked (voter.ts).
import { bytesEqual } from '../crypto/bytes.js';
import { EXECUTED_HISTORY } from './state.js';
import { retryAwaiting } from './voter.js';
import type { Out, ReplicaState } from './state.js';
import type { ExecutedRoots } from './types.js';

export function onExecuted(s: ReplicaState, roots: ExecutedRoots & { type?: string }, out: Out): void {
  const expected = (s.executed?.height ?? s.executedFloor) + 1;
  if (roots.height !== expected) throw new Error(`executed: got height ${roots.height}, expected ${expected} (execute commits in order, once each)`);
  const block = s.tree.committedAt(roots.height);
  if (block !== undefined && !bytesEqual(block.hash, roots.blockHash)) throw new Error(`executed: block hash at height ${roots.height} is not the committed block's`);
  if (roots.height > s.tree.committedTip.height) throw new Error(`executed: height ${roots.height} is not committed yet`);
  const record: ExecutedRoots = { height: roots.height, blockHash: roots.blockHash, stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot };
  s.executed = record;
  s.executedByHeight.set(record.height, record);
  s.executedByHeight.delete(record.height - EXECUTED_HISTORY);
  retryAwaiting(s, out);
}

