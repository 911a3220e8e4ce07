// Read-only: the highest sequence number the kernel accepted from a principal (its `s/<id>` entry,
// see state/keys.ts). executeCommand refuses any later command of that principal with a seq at or
// below it (`kernel.replay`), so a driver can tell before ordering a command that it would never
// execute. A pure read of the current state: no clock, no mutation, the handle is not consumed.
import { storeOf } from './state/handle.js';
import { K } from './state/keys.js';
import type { KernelState } from './types.js';

/** The last seq accepted from `principal` (the client's key id), or null if none was (or the principal is unknown). */
export function lastAcceptedSeq(state: KernelState, principal: string): number | null {
  const v = storeOf(state).store.get(K.lastSeq(principal));
  return typeof v === 'number' ? v : null;
}
