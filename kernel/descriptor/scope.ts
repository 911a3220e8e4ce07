// What an expression may refer to while it is compiled for one command type, and where errors go.
import type { DescriptorError, LimitDecl, ScalarType, StateDecl } from './compiled.js';

export interface FieldDecl {
  type: ScalarType;
  optional: boolean;
  /** string/bytes: longest accepted length; int: ignored. */
  maxLength: number;
  min: number | null;
  max: number | null;
  enumValues: readonly string[] | null;
}

export interface Scope {
  command: string;
  fields: ReadonlyMap<string, FieldDecl>;
  states: ReadonlyMap<string, StateDecl>;
  limits: ReadonlyMap<string, LimitDecl>;
  errors: DescriptorError[];
}

/** Records an error once (a rule compiled for several commands reports each problem once). */
export function fail(scope: Pick<Scope, 'errors'>, path: string, message: string): void {
  if (!scope.errors.some((e) => e.path === path && e.message === message)) scope.errors.push({ path, message });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number' && !Number.isSafeInteger(v)) return `the non-integer ${v}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
