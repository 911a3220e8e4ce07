// KernelState handles. A handle owns one Store plus the compiled active descriptor (derived from the
// store, cached here so apply does not look it up per batch). applyBatch consumes the handle it is
// given; using a consumed handle throws StaleStateError instead of silently reading changed state.
import type { CanonicalValue } from '../../crypto/canonical.js';
import { compileDescriptor } from '../descriptor/compile.js';
import type { CompiledDescriptor } from '../descriptor/compiled.js';
import type { KernelState } from '../types.js';
import { K } from './keys.js';
import { stateProblem } from './invariants.js';
import { decodeSnapshot, encodeSnapshot, SnapshotEncoder, SnapshotError } from './snapshot.js';
import { Store } from './store.js';

export class StaleStateError extends Error {
  constructor() {
    super('this KernelState was consumed by applyBatch: use the state it returned (forkState first to keep both)');
    this.name = 'StaleStateError';
  }
}

class Handle implements KernelState {
  readonly __kernelState = true as const;
  constructor(
    public store: Store | null,
    readonly active: CompiledDescriptor,
  ) {}
}

function handle(state: KernelState): Handle {
  if (!(state instanceof Handle)) throw new TypeError('not a KernelState made by createKernel/restoreState/applyBatch');
  if (state.store === null) throw new StaleStateError();
  return state;
}

export function wrap(store: Store, active: CompiledDescriptor): KernelState {
  return new Handle(store, active);
}

/** Reads without consuming. */
export function storeOf(state: KernelState): { store: Store; active: CompiledDescriptor } {
  const h = handle(state);
  return { store: h.store as Store, active: h.active };
}

/** Takes the store out of the handle: the handle is stale afterwards. */
export function consume(state: KernelState): { store: Store; active: CompiledDescriptor } {
  const h = handle(state);
  const store = h.store as Store;
  h.store = null;
  return { store, active: h.active };
}

/** The compiled descriptor that the store names as active. */
export function activeFromStore(store: Store): CompiledDescriptor {
  const version = store.get(K.activeVersion);
  const entry = typeof version === 'number' ? store.get(K.descriptor(version)) : undefined;
  if (entry === undefined || entry === null || typeof entry !== 'object' || Array.isArray(entry) || entry instanceof Uint8Array) {
    throw new Error(`kernel state names active descriptor version ${String(version)} but holds no such version`);
  }
  return compileDescriptor((entry as Record<string, CanonicalValue>).source);
}

/** The state root (a copy: the store keeps its cached root to itself). */
export function stateRoot(state: KernelState): Uint8Array {
  return storeOf(state).store.root().slice();
}

export function forkState(state: KernelState): KernelState {
  const { store, active } = storeOf(state);
  return new Handle(store.fork(), active);
}

export function snapshotState(state: KernelState): Uint8Array {
  return encodeSnapshot(storeOf(state).store);
}

/** An encoder of snapshotState(state)'s bytes that works in slices (see SnapshotEncoder). */
export function snapshotEncoder(state: KernelState): SnapshotEncoder {
  return new SnapshotEncoder(storeOf(state).store);
}

/** Number of keys in the state (what a snapshot's size and cost grow with). */
export function stateKeyCount(state: KernelState): number {
  return storeOf(state).store.size;
}

/** Rebuilds a state from snapshot bytes; throws SnapshotError on anything malformed or unusable. */
export function restoreState(bytes: Uint8Array): KernelState {
  const store = decodeSnapshot(bytes);
  const problem = stateProblem(store);
  if (problem !== null) throw new SnapshotError(`snapshot is not a usable kernel state: ${problem}`);
  try {
    return new Handle(store, activeFromStore(store));
  } catch (e) {
    throw new SnapshotError(`snapshot's active descriptor does not load: ${(e as Error).message}`);
  }
}
