// Short, deterministic one-line descriptions of consensus messages for the trace and the timeline.
// They name what a reader needs (view, height, block hash prefix, voter) and nothing that could vary
// between two runs of one seed. Malformed (garbage) messages must not crash the describer.
import { toHex } from '../crypto/bytes.js';
import type { Message } from '../consensus/types.js';

const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Hex of the first 4 bytes (fewer if shorter), as toHex would print them; '?' for a non-byte value. */
export function hashPrefix(h: unknown): string {
  if (!(h instanceof Uint8Array)) return '?';
  if (h.length < 4) return toHex(h);
  return hexByte[h[0]] + hexByte[h[1]] + hexByte[h[2]] + hexByte[h[3]];
}

export function describeMessage(m: Message): string {
  try {
    switch (m.type) {
      case 'proposal':
        return `v=${m.block.view} h=${m.block.height} b=${hashPrefix(m.block.hash)} cmds=${m.block.commands.length} qc=${m.block.justify.view}${m.tc ? ` tc=${m.tc.view}` : ''}`;
      case 'vote':
        return `v=${m.vote.view} h=${m.vote.height} b=${hashPrefix(m.vote.blockHash)} by=${m.vote.voter}`;
      case 'timeout':
        return `v=${m.timeout.view} qc=${m.timeout.highQc.view} by=${m.timeout.voter}`;
      case 'syncRequest':
        return `b=${hashPrefix(m.blockHash)} max=${m.maxBlocks}`;
      case 'syncResponse':
        return `blocks=${m.blocks.length}${m.blocks.length > 0 ? ` h=${m.blocks[0].height}..${m.blocks[m.blocks.length - 1].height}` : ''}`;
      case 'forward':
        return `cmds=${m.commands.length}`;
      default:
        return 'unknown';
    }
  } catch {
    return 'malformed';
  }
}

/** The message type for the trace, tolerating garbage. */
export function messageType(m: unknown): string {
  return m !== null && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string' ? (m as { type: string }).type : 'garbage';
}
