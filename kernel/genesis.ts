// createKernel: the first state, from a genesis document every replica shares.
import type { CanonicalValue } from '../crypto/canonical.js';
import { compileDescriptor } from './descriptor/compile.js';
import { K } from './state/keys.js';
import { wrap } from './state/handle.js';
import { Store } from './state/store.js';
import { writeTip } from './state/tip.js';
import { normaliseEntry, principalEntryProblem } from './principals.js';
import type { Genesis, KernelState } from './types.js';

export class GenesisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenesisError';
  }
}

export const ZERO_HASH = new Uint8Array(32);

/** Builds the initial state. Throws GenesisError (or DescriptorCompileError) on an invalid genesis. */
export function createKernel(genesis: Genesis): KernelState {
  if (genesis === null || typeof genesis !== 'object') throw new GenesisError('genesis must be an object');
  const { chainId, admins, adminThreshold, principals } = genesis;
  if (typeof chainId !== 'string' || chainId.length === 0 || chainId.length > 128) throw new GenesisError('genesis.chainId must be a string of 1..128 characters');
  if (!Array.isArray(admins) || admins.length === 0 || admins.some((a) => typeof a !== 'string' || a.length === 0)) {
    throw new GenesisError('genesis.admins must be a non-empty list of hybrid key ids');
  }
  const adminSet = [...new Set(admins)].sort();
  if (adminSet.length !== admins.length) throw new GenesisError('genesis.admins lists an admin twice');
  if (!Number.isSafeInteger(adminThreshold) || adminThreshold < 1 || adminThreshold > adminSet.length) {
    throw new GenesisError(`genesis.adminThreshold must be an integer in 1..${adminSet.length}`);
  }
  if (principals === null || typeof principals !== 'object' || Array.isArray(principals)) throw new GenesisError('genesis.principals must be an object');
  const active = compileDescriptor(genesis.descriptor);
  const store = Store.empty();
  store.set(K.chainId, chainId);
  writeTip(store, { height: 0, count: 0, head: ZERO_HASH });
  store.set(K.admins, adminSet);
  store.set(K.adminThreshold, adminThreshold);
  store.set(K.activeVersion, active.version);
  store.set(K.latestVersion, active.version);
  store.set(K.pendingSwap, null);
  store.set(K.history, [{ height: 0, action: 'genesis', version: active.version }]);
  store.set(K.descriptor(active.version), { hash: active.hash, source: active.source, installedAt: 0 });
  store.set(K.approvalHeights, []);
  store.set(K.approvalsOpen, 0);
  for (const id of Object.keys(principals).sort()) {
    const problem = principalEntryProblem(id, principals[id]);
    if (problem !== null) throw new GenesisError(`genesis.principals: ${problem}`);
    store.set(K.principal(id), normaliseEntry(principals[id]) as CanonicalValue);
  }
  store.root();
  return wrap(store, active);
}
