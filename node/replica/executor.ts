// Executes one committed block with the kernel: re-checks every client envelope (a Byzantine leader
// could have proposed a forged one; every honest replica skips exactly the same ones, since the
// check is a pure function of the bytes), then applies the valid commands in block order.
import type { Block } from '../../consensus/types.js';
import { applyBatch, type KernelCommand, type KernelState } from '../../kernel/api.js';
import { decodeSignedCommand } from '../client/envelope.js';
import type { ExecutionRecord } from '../storage/records.js';

export interface ExecutedBlock {
  /** The kernel state after the block (the input state is consumed: see kernel KernelState). */
  state: KernelState;
  execution: ExecutionRecord;
  /** Receipt position of each valid command. */
  commands: Array<{ client: string; seq: number; index: number }>;
  /** Envelopes that failed their checks and were skipped. */
  invalid: Array<{ client: string; seq: number; reason: string }>;
}

/** `chainId` (the genesis chainId) lets co-signed governance envelopes verify; without it they are skipped. */
export function executeBlock(state: KernelState, block: Block, chainId?: string): ExecutedBlock {
  const ctx = chainId === undefined ? undefined : { chainId };
  const batch: KernelCommand[] = [];
  const commands: ExecutedBlock['commands'] = [];
  const invalid: ExecutedBlock['invalid'] = [];
  for (const c of block.commands) {
    const d = decodeSignedCommand(c.bytes, ctx);
    if (!d.ok) {
      invalid.push({ client: c.client, seq: c.seq, reason: d.reason });
      continue;
    }
    if (d.command.client !== c.client || d.command.seq !== c.seq) {
      invalid.push({ client: c.client, seq: c.seq, reason: 'envelope does not match the ordered (client, seq)' });
      continue;
    }
    commands.push({ client: c.client, seq: c.seq, index: batch.length });
    batch.push(d.kernelCommand);
  }
  const r = applyBatch(state, batch, { height: block.height });
  return {
    state: r.state,
    execution: { height: block.height, blockHash: block.hash, stateRoot: r.stateRoot, receiptsRoot: r.receiptsRoot, receiptBytes: r.receiptBytes },
    commands,
    invalid,
  };
}
