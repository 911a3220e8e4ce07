// The capability registry in state: `p/<principal>` -> { commands: [...], roles: [...] } (sorted
// lists). Sets are derived once per stored value (values are immutable, so a WeakMap cache is safe).
import type { CanonicalValue } from '../crypto/canonical.js';
import { KERNEL_LIMITS } from './limits.js';
import type { PrincipalEntry } from './types.js';

export interface PrincipalSets {
  commands: ReadonlySet<string>;
  roles: ReadonlySet<string>;
}

const cache = new WeakMap<object, PrincipalSets>();
// Principals with the same capabilities share one PrincipalSets (by content): a thousand clients
// with the same command list then hit one small hot Set per command instead of a thousand cold
// ones (a cache miss per command). Bounded; a dropped entry only costs a rebuild.
const shared = new Map<string, PrincipalSets>();
const SHARED_MAX = 4096;

export function principalSets(entry: CanonicalValue | undefined): PrincipalSets | null {
  if (entry === undefined || entry === null || typeof entry !== 'object' || entry instanceof Uint8Array || Array.isArray(entry)) return null;
  let sets = cache.get(entry);
  if (sets === undefined) {
    const e = entry as { commands?: CanonicalValue; roles?: CanonicalValue };
    const commands = Array.isArray(e.commands) ? (e.commands as string[]) : [];
    const roles = Array.isArray(e.roles) ? (e.roles as string[]) : [];
    // JSON of both lists: unambiguous whatever the names contain.
    const key = JSON.stringify([commands, roles]);
    sets = shared.get(key);
    if (sets === undefined) {
      if (shared.size >= SHARED_MAX) shared.clear();
      sets = { commands: new Set(commands), roles: new Set(roles) };
      shared.set(key, sets);
    }
    cache.set(entry, sets);
  }
  return sets;
}

/** Why `entry` is not a valid registry entry (null if it is). */
export function principalEntryProblem(id: unknown, entry: unknown): string | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > KERNEL_LIMITS.principalLengthMax) return 'principal ids are non-empty strings of at most 256 characters';
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return `principal ${id}: entry must be { commands: [...], roles?: [...] }`;
  const e = entry as Record<string, unknown>;
  for (const k of Object.keys(e)) if (k !== 'commands' && k !== 'roles') return `principal ${id}: unknown key "${k}"`;
  const names = (v: unknown) => Array.isArray(v) && v.length <= 256 && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 64);
  if (!names(e.commands)) return `principal ${id}: commands must be a list of command type names`;
  if (e.roles !== undefined && !names(e.roles)) return `principal ${id}: roles must be a list of role names`;
  return null;
}

/** The stored, normalised form of an entry: sorted, de-duplicated lists. */
export function normaliseEntry(entry: PrincipalEntry): CanonicalValue {
  const norm = (xs: string[]) => [...new Set(xs)].sort();
  return { commands: norm(entry.commands), roles: norm(entry.roles ?? []) };
}
