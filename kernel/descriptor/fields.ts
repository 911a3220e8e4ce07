// Command field declarations and their run-time validation (compiled once per command type).
import type { CanonicalValue } from '../../crypto/canonical.js';
import { FUEL_PRICE, KERNEL_LIMITS } from '../limits.js';
import { charge, type Env, type ScalarType } from './compiled.js';
import { describe, fail, isPlainObject, NAME_RE, type FieldDecl, type Scope } from './scope.js';

const TYPES: readonly ScalarType[] = ['string', 'int', 'bool', 'bytes'];

export function readFields(src: unknown, path: string, scope: Pick<Scope, 'errors'>): Map<string, FieldDecl> {
  const out = new Map<string, FieldDecl>();
  if (src === undefined) return out;
  if (!isPlainObject(src)) {
    fail(scope, path, `fields must be an object of field declarations, got ${describe(src)}`);
    return out;
  }
  const names = Object.keys(src);
  if (names.length > KERNEL_LIMITS.fieldsMax) fail(scope, path, `more than ${KERNEL_LIMITS.fieldsMax} fields`);
  for (const name of names) {
    const at = `${path}.${name}`;
    if (!NAME_RE.test(name)) fail(scope, at, 'field names start with a letter, then letters, digits, "_", ".", "-" (at most 64)');
    const d = readFieldDecl(src[name], at, scope);
    if (d !== null) out.set(name, d);
  }
  return out;
}

function readFieldDecl(src: unknown, path: string, scope: Pick<Scope, 'errors'>): FieldDecl | null {
  const spec = typeof src === 'string' ? { type: src } : src;
  if (!isPlainObject(spec)) {
    fail(scope, path, `expected a type name or { "type": ... }, got ${describe(src)}`);
    return null;
  }
  for (const k of Object.keys(spec)) {
    if (!['type', 'optional', 'maxLength', 'min', 'max', 'enum', 'description'].includes(k)) fail(scope, `${path}.${k}`, 'unknown key in a field declaration');
  }
  const type = spec.type as ScalarType;
  if (!TYPES.includes(type)) {
    fail(scope, `${path}.type`, `field type must be one of ${TYPES.join(', ')}, got ${describe(spec.type)}`);
    return null;
  }
  const int = (k: string, lo: number, hi: number): number | null => {
    const v = spec[k];
    if (v === undefined) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) {
      fail(scope, `${path}.${k}`, `${k} must be an integer in ${lo}..${hi}`);
      return null;
    }
    return v;
  };
  const maxLength = int('maxLength', 0, KERNEL_LIMITS.fieldLengthMax) ?? KERNEL_LIMITS.fieldLengthDefault;
  const min = int('min', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const max = int('max', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if ((min !== null || max !== null) && type !== 'int') fail(scope, path, 'min/max apply to int fields only');
  let enumValues: string[] | null = null;
  if (spec.enum !== undefined) {
    if (type !== 'string' || !Array.isArray(spec.enum) || spec.enum.length === 0 || spec.enum.some((e) => typeof e !== 'string')) {
      fail(scope, `${path}.enum`, 'enum is a non-empty list of strings, on a string field');
    } else enumValues = spec.enum as string[];
  }
  if (spec.optional !== undefined && typeof spec.optional !== 'boolean') fail(scope, `${path}.optional`, 'optional must be true or false');
  return { type, optional: spec.optional === true, maxLength, min, max, enumValues };
}

/** Why `v` does not fit `d` (null if it does). */
function fieldProblem(name: string, v: CanonicalValue, d: FieldDecl): string | null {
  switch (d.type) {
    case 'string':
      if (typeof v !== 'string') return `field "${name}" must be a string, got ${describe(v)}`;
      if (v.length > d.maxLength) return `field "${name}" is longer than ${d.maxLength}`;
      if (d.enumValues !== null && !d.enumValues.includes(v)) return `field "${name}" must be one of ${d.enumValues.join(', ')}`;
      return null;
    case 'bytes':
      if (!(v instanceof Uint8Array)) return `field "${name}" must be bytes, got ${describe(v)}`;
      return v.length > d.maxLength ? `field "${name}" is longer than ${d.maxLength} bytes` : null;
    case 'bool':
      return typeof v === 'boolean' ? null : `field "${name}" must be a boolean, got ${describe(v)}`;
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `field "${name}" must be a safe integer, got ${describe(v)}`;
      if (d.min !== null && v < d.min) return `field "${name}" must be at least ${d.min}`;
      if (d.max !== null && v > d.max) return `field "${name}" must be at most ${d.max}`;
      return null;
  }
}

/** A validator closure: unknown fields, missing required fields, wrong types and oversized values. */
export function compileValidator(decls: ReadonlyMap<string, FieldDecl>): (env: Env) => string | null {
  const list = [...decls.entries()];
  return (env) => {
    const fields = env.fields;
    let present = 0;
    for (const [name, d] of list) {
      charge(env, FUEL_PRICE.field);
      const v = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (v === undefined) {
        if (!d.optional) return `missing field "${name}"`;
        continue;
      }
      present++;
      const p = fieldProblem(name, v, d);
      if (p !== null) return p;
    }
    const keys = Object.keys(fields);
    if (keys.length !== present) {
      const unknown = keys.find((k) => !decls.has(k));
      return `unknown field "${unknown}"`;
    }
    return null;
  };
}
