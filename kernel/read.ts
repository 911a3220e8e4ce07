// Read-only access to the descriptor-declared state, for local (non-linearizable) reads served by one
// replica. Only what the active descriptor declares is readable: internal bookkeeping (sequence
// numbers, approvals, governance, limits) stays behind the command interface.
import type { CanonicalValue } from '../crypto/canonical.js';
import type { KernelState } from './types.js';
import { K } from './state/keys.js';
import { storeOf } from './state/handle.js';
import { KERNEL_LIMITS } from './limits.js';

export class StateReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateReadError';
  }
}

/**
 * The current value of state `name` (a scalar, or the entry `key` of a map), exactly what an
 * expression `{ "state": name, "key": key }` would read: a scalar's initial value when unset, null
 * for an absent map entry. Throws StateReadError when `name` is not declared or the key does not fit.
 */
export function readState(state: KernelState, name: string, key?: string): CanonicalValue {
  const { store, active } = storeOf(state);
  const decl = active.states.get(name);
  if (decl === undefined) throw new StateReadError(`the active descriptor declares no state named ${JSON.stringify(name)}`);
  if (decl.kind === 'scalar') {
    if (key !== undefined) throw new StateReadError(`state "${name}" is a scalar: it takes no key`);
    return store.get(K.scalar(name)) ?? decl.initial;
  }
  if (key === undefined) throw new StateReadError(`state "${name}" is a map: reading it needs a key`);
  if (key.length > KERNEL_LIMITS.stateKeyLengthMax) throw new StateReadError(`map key longer than ${KERNEL_LIMITS.stateKeyLengthMax}`);
  return store.get(K.mapEntry(name, key)) ?? null;
}
