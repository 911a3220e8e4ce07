// Effects: what an ALLOWed command does to the descriptor's state, in order, inside the command's
// journal (a failure anywhere discards every write of the command). Forms:
//   { "set": state, "key"?: expr, "value": expr }   { "delete": mapState, "key": expr }
//   { "incr": intState, "key"?: expr, "by"?: expr }  { "consume": limitName }
//   { "assert": guard, "reason": text }              { "if": guard, "then": [...], "else"?: [...] }
import type { CanonicalValue } from '../../crypto/canonical.js';
import { FUEL_PRICE, KERNEL_LIMITS } from '../limits.js';
import { K } from '../state/keys.js';
import { charge, KernelFailure, type EffectFn, type Env, type ExprFn, type ScalarType, type StateDecl } from './compiled.js';
import { compileExpr, expectType, mapKey } from './expr.js';
import { compileGuard } from './guard.js';
import { consumeLimit } from './limit-window.js';
import { describe, fail, isPlainObject, type Scope } from './scope.js';

const noop: EffectFn = () => undefined;

export function compileEffects(src: unknown, path: string, scope: Scope, depth = 0): EffectFn {
  if (src === undefined) return noop;
  if (!Array.isArray(src)) {
    fail(scope, path, `effects must be a list, got ${describe(src)}`);
    return noop;
  }
  const steps = src.map((e, i) => compileEffect(e, `${path}[${i}]`, scope, depth));
  if (steps.length === 0) return noop;
  if (steps.length === 1) return steps[0];
  return (env) => {
    for (const s of steps) s(env);
  };
}

export function valueHasType(v: CanonicalValue, t: ScalarType): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'bytes':
      return v instanceof Uint8Array;
  }
}

function compileEffect(src: unknown, path: string, scope: Scope, depth: number): EffectFn {
  if (depth > KERNEL_LIMITS.exprDepthMax) {
    fail(scope, path, 'effects nested too deeply');
    return noop;
  }
  if (!isPlainObject(src)) {
    fail(scope, path, `expected an effect object, got ${describe(src)}`);
    return noop;
  }
  const allowed: Record<string, string[]> = {
    set: ['set', 'key', 'value'],
    delete: ['delete', 'key'],
    incr: ['incr', 'key', 'by'],
    consume: ['consume'],
    assert: ['assert', 'reason'],
    if: ['if', 'then', 'else'],
  };
  const op = Object.keys(allowed).find((k) => k in src);
  if (op === undefined) {
    fail(scope, path, `unknown effect: expected one of ${Object.keys(allowed).join(', ')}`);
    return noop;
  }
  for (const k of Object.keys(src)) if (!allowed[op].includes(k)) fail(scope, `${path}.${k}`, `unknown key in a "${op}" effect`);
  switch (op) {
    case 'set':
    case 'delete':
    case 'incr':
      return compileWrite(op, src, path, scope, depth);
    case 'consume': {
      const name = src.consume;
      const limit = typeof name === 'string' ? scope.limits.get(name) : undefined;
      if (typeof name !== 'string' || limit === undefined) {
        fail(scope, `${path}.consume`, `no limit named ${JSON.stringify(name)} is declared`);
        return noop;
      }
      return (env) => {
        charge(env, FUEL_PRICE.write);
        if (!consumeLimit(env, name, limit)) throw new KernelFailure(`limit "${name}" exhausted: at most ${limit.max} per ${limit.windowHeights} heights`);
      };
    }
    case 'assert': {
      const g = compileGuard(src.assert, `${path}.assert`, scope, depth + 1).fn;
      if (typeof src.reason !== 'string' || src.reason.length === 0) fail(scope, `${path}.reason`, 'assert needs a reason text');
      const reason = String(src.reason);
      return (env) => {
        if (!g(env)) throw new KernelFailure(reason);
      };
    }
    case 'if': {
      const g = compileGuard(src.if, `${path}.if`, scope, depth + 1).fn;
      const then = compileEffects(src.then ?? [], `${path}.then`, scope, depth + 1);
      const otherwise = compileEffects(src.else ?? [], `${path}.else`, scope, depth + 1);
      return (env) => (g(env) ? then(env) : otherwise(env));
    }
  }
  return noop;
}

function compileWrite(op: 'set' | 'delete' | 'incr', src: Record<string, unknown>, path: string, scope: Scope, depth: number): EffectFn {
  const name = src[op];
  const decl: StateDecl | undefined = typeof name === 'string' ? scope.states.get(name) : undefined;
  if (typeof name !== 'string' || decl === undefined) {
    fail(scope, `${path}.${op}`, `no state named ${JSON.stringify(name)} is declared`);
    return noop;
  }
  let keyOf: (env: Env) => string;
  if (decl.kind === 'map') {
    if (src.key === undefined) {
      fail(scope, `${path}.key`, `state "${name}" is a map: ${op} needs a key`);
      return noop;
    }
    const k = expectType(compileExpr(src.key, `${path}.key`, scope, depth + 1), 'string', `${path}.key`, scope).fn;
    keyOf = (env) => K.mapEntry(name, mapKey(k(env), `${path}.key`));
  } else {
    if (src.key !== undefined) fail(scope, `${path}.key`, `state "${name}" is a scalar: it takes no key`);
    if (op === 'delete') fail(scope, path, `state "${name}" is a scalar: only map entries can be deleted`);
    const key = K.scalar(name);
    keyOf = () => key;
  }
  if (op === 'delete') {
    return (env) => {
      charge(env, FUEL_PRICE.write);
      env.tx.delete(keyOf(env));
    };
  }
  if (op === 'set') {
    if (!('value' in src)) fail(scope, `${path}.value`, 'set needs a value');
    const v = compileExpr(src.value, `${path}.value`, scope, depth + 1);
    if (v.type !== decl.valueType && v.type !== 'any') fail(scope, `${path}.value`, `state "${name}" holds ${decl.valueType}, got ${v.type}`);
    const fv: ExprFn = v.fn;
    const t = decl.valueType;
    return (env) => {
      charge(env, FUEL_PRICE.write);
      const value = fv(env);
      if (!valueHasType(value, t)) throw new KernelFailure(`${path}: state "${name}" holds ${t}, not ${describe(value)}`);
      // Bytes are mutable: state keeps its own copy, not the caller's array.
      env.tx.set(keyOf(env), value instanceof Uint8Array ? value.slice() : value);
    };
  }
  if (decl.valueType !== 'int') fail(scope, `${path}.incr`, `state "${name}" holds ${decl.valueType}: incr needs an int`);
  const by: ExprFn = src.by === undefined ? () => 1 : expectType(compileExpr(src.by, `${path}.by`, scope, depth + 1), 'int', `${path}.by`, scope).fn;
  const initial = decl.kind === 'scalar' ? decl.initial : 0;
  return (env) => {
    charge(env, FUEL_PRICE.write);
    const key = keyOf(env);
    const cur = env.tx.get(key) ?? initial;
    const d = by(env);
    if (typeof cur !== 'number' || typeof d !== 'number') throw new KernelFailure(`${path}: incr of a non-integer`);
    const next = cur + d;
    if (!Number.isSafeInteger(next)) throw new KernelFailure(`${path}: integer overflow`);
    env.tx.set(key, next);
  };
}
