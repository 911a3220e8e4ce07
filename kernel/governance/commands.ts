// Governance commands: install a descriptor version, schedule a swap to it (or a rollback to an
// older one) at a stated height, grant or revoke a principal's capabilities, rotate the admin set.
// Each needs `adminThreshold` distinct admins among `cmd.signers` (the driver verified their hybrid
// signatures over governancePayload). All writes of one command commit together or not at all.
import { bytesEqual } from '../../crypto/bytes.js';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { compileDescriptor, DescriptorCompileError } from '../descriptor/compile.js';
import type { CompiledDescriptor } from '../descriptor/compiled.js';
import type { ExecContext } from '../execute.js';
import { outcome, rejected, type Outcome } from '../outcome.js';
import { normaliseEntry, principalEntryProblem } from '../principals.js';
import { K } from '../state/keys.js';
import { Tx } from '../state/tx.js';
import type { KernelCommand, PrincipalEntry } from '../types.js';
import { appendHistory, type PendingSwap } from './activate.js';

const RULE = 'kernel.governance';
const FIELDS: Record<string, string[]> = {
  'gov.install': ['descriptor'],
  'gov.swap': ['atHeight', 'descriptorHash', 'version'],
  'gov.rollback': ['atHeight', 'descriptorHash', 'version'],
  'gov.grant': ['commands', 'principal', 'roles'],
  'gov.revoke': ['principal'],
  'gov.admins': ['admins', 'threshold'],
};

class GovFailure {
  constructor(readonly reason: string) {}
}

export function executeGovernance(x: ExecContext, cmd: KernelCommand): Outcome {
  const expected = FIELDS[cmd.type];
  if (expected === undefined) return rejected('failed', 'kernel.dispatch', `unknown governance command "${cmd.type}"`);
  const keys = Object.keys(cmd.fields).sort();
  const optional = cmd.type === 'gov.grant' ? ['roles'] : [];
  if (keys.some((k) => !expected.includes(k)) || expected.some((k) => !optional.includes(k) && !keys.includes(k))) {
    return rejected('failed', 'kernel.fields', `${cmd.type} takes exactly { ${expected.join(', ')} }`);
  }
  const admins = x.store.get(K.admins) as string[];
  const threshold = x.store.get(K.adminThreshold) as number;
  const valid = [...new Set(cmd.signers ?? [])].filter((s) => admins.includes(s));
  if (valid.length < threshold) {
    return rejected('denied', RULE, `${cmd.type} needs ${threshold} of ${admins.length} admin signatures, got ${valid.length} valid`);
  }
  const tx = new Tx(x.store);
  try {
    const output = run(x, cmd, tx);
    tx.commit();
    return outcome('ALLOW', 'high', RULE, 'ok', null, output, 0, tx.log);
  } catch (e) {
    if (e instanceof GovFailure) return { ...rejected('failed', RULE, e.reason), decision: 'ALLOW', risk: 'high' };
    throw e;
  }
}

function run(x: ExecContext, cmd: KernelCommand, tx: Tx): CanonicalValue {
  const f = cmd.fields;
  const history = (action: string, version: number) => tx.set(K.history, appendHistory((k) => tx.get(k), { height: x.height, action, version }));
  switch (cmd.type) {
    case 'gov.install': {
      let d: CompiledDescriptor;
      try {
        d = compileDescriptor(f.descriptor);
      } catch (e) {
        if (e instanceof DescriptorCompileError) throw new GovFailure(e.message);
        throw e;
      }
      const latest = tx.get(K.latestVersion) as number;
      if (d.version !== latest + 1) throw new GovFailure(`descriptor version must be ${latest + 1} (the next after ${latest}), got ${d.version}`);
      for (let v = 1; v <= latest; v++) {
        const old = tx.get(K.descriptor(v)) as Record<string, CanonicalValue> | undefined;
        if (old !== undefined) checkCompatible(compileDescriptor(old.source), d);
      }
      tx.set(K.descriptor(d.version), { hash: d.hash, source: d.source, installedAt: x.height });
      tx.set(K.latestVersion, d.version);
      history('installed', d.version);
      return { version: d.version, descriptorHash: d.hash };
    }
    case 'gov.swap':
    case 'gov.rollback': {
      const { version, atHeight, descriptorHash } = f;
      if (typeof version !== 'number' || typeof atHeight !== 'number' || !(descriptorHash instanceof Uint8Array)) {
        throw new GovFailure(`${cmd.type} takes { version: int, atHeight: int, descriptorHash: bytes }`);
      }
      const entry = tx.get(K.descriptor(version)) as Record<string, CanonicalValue> | undefined;
      if (entry === undefined) throw new GovFailure(`descriptor version ${version} is not installed`);
      if (!bytesEqual(entry.hash as Uint8Array, descriptorHash)) throw new GovFailure(`descriptorHash does not match installed version ${version}`);
      const active = tx.get(K.activeVersion) as number;
      if (cmd.type === 'gov.swap' && version <= active) throw new GovFailure(`gov.swap moves forward: version ${version} is not above the active ${active} (use gov.rollback)`);
      if (cmd.type === 'gov.rollback' && version >= active) throw new GovFailure(`gov.rollback moves back: version ${version} is not below the active ${active}`);
      if (!Number.isSafeInteger(atHeight) || atHeight <= x.height) throw new GovFailure(`atHeight must be above the current height ${x.height}`);
      if (tx.get(K.pendingSwap) !== null) throw new GovFailure('a swap is already pending');
      const pending: PendingSwap = { version, atHeight, action: cmd.type === 'gov.swap' ? 'swap' : 'rollback' };
      tx.set(K.pendingSwap, pending as unknown as CanonicalValue);
      history(cmd.type === 'gov.swap' ? 'swap-scheduled' : 'rollback-scheduled', version);
      return { version, atHeight };
    }
    case 'gov.grant': {
      const id = f.principal;
      const entry = { commands: f.commands, roles: f.roles ?? [] };
      const problem = principalEntryProblem(id, entry);
      if (problem !== null) throw new GovFailure(problem);
      tx.set(K.principal(id as string), normaliseEntry(entry as unknown as PrincipalEntry));
      return { principal: id as string };
    }
    case 'gov.revoke': {
      const id = f.principal;
      if (typeof id !== 'string' || tx.get(K.principal(id)) === undefined) throw new GovFailure(`no principal ${String(id)} to revoke`);
      tx.delete(K.principal(id));
      return { principal: id };
    }
    case 'gov.admins': {
      // Rotating the admin set needs the current admins' threshold; the new set takes effect for
      // the next command (the signers of this one were checked against the old set).
      const { admins, threshold } = f;
      if (!Array.isArray(admins) || admins.length === 0 || admins.length > 64 || admins.some((a) => typeof a !== 'string' || a.length === 0 || a.length > 256)) {
        throw new GovFailure('admins must be a list of 1..64 key ids');
      }
      const set = [...new Set(admins as string[])].sort();
      if (set.length !== admins.length) throw new GovFailure('admins lists a key id twice');
      if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold < 1 || threshold > set.length) {
        throw new GovFailure(`threshold must be an integer in 1..${set.length}`);
      }
      tx.set(K.admins, set);
      tx.set(K.adminThreshold, threshold);
      history('admins-changed', tx.get(K.activeVersion) as number);
      return { admins: set, threshold };
    }
  }
  throw new GovFailure(`unknown governance command "${cmd.type}"`);
}

/** A new version may add state, but a state it shares with an installed version keeps its shape. */
function checkCompatible(old: CompiledDescriptor, next: CompiledDescriptor): void {
  for (const [name, d] of next.states) {
    const o = old.states.get(name);
    if (o !== undefined && (o.kind !== d.kind || o.valueType !== d.valueType)) {
      throw new GovFailure(`state "${name}" is a ${o.kind} of ${o.valueType} in version ${old.version}; version ${next.version} makes it a ${d.kind} of ${d.valueType}`);
    }
  }
}
