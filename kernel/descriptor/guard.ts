// Guards: boolean gates over predicates, evaluated left to right with short-circuit; each node
// costs fuel. Forms:
//   true | false
//   { "all": [g...] } (AND)  { "any": [g...] } (OR)  { "xor": [g, g] }  { "not": g }
//   { "eq"|"ne": [a, b] }  { "lt"|"le"|"gt"|"ge": [a, b] } (integers)  { "in": [a, [literal...]] }
//   { "startsWith": [a, b] }  { "hasRole": role }  { "can": commandType }
//   { "exists": { "state": map, "key": expr } }  { "withinLimit": limitName }
import { bytesEqual } from '../../crypto/bytes.js';
import { canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { FUEL_PRICE, KERNEL_LIMITS } from '../limits.js';
import { charge, KernelFailure, type GuardFn } from './compiled.js';
import { compileExpr, expectType } from './expr.js';
import { limitCount } from './limit-window.js';
import { describe, fail, isPlainObject, type Scope } from './scope.js';

/** A compiled guard, and whether it is the literal `true` (so later rules may be unreachable). */
export interface CompiledGuard {
  fn: GuardFn;
  alwaysTrue: boolean;
}

const ORDER = { lt: (c: number) => c < 0, le: (c: number) => c <= 0, gt: (c: number) => c > 0, ge: (c: number) => c >= 0 } as const;

export function valuesEqual(a: CanonicalValue, b: CanonicalValue): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b);
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return bytesEqual(canonicalEncode(a), canonicalEncode(b));
  return false;
}

const never: GuardFn = () => false;

export function compileGuard(src: unknown, path: string, scope: Scope, depth = 0): CompiledGuard {
  if (depth > KERNEL_LIMITS.exprDepthMax) {
    fail(scope, path, `guard nested deeper than ${KERNEL_LIMITS.exprDepthMax}`);
    return { fn: never, alwaysTrue: false };
  }
  if (src === true) return { fn: () => true, alwaysTrue: true };
  if (src === false) return { fn: never, alwaysTrue: false };
  if (!isPlainObject(src) || Object.keys(src).length !== 1) {
    fail(scope, path, `expected a guard (true, false or an object with one operator), got ${describe(src)}`);
    return { fn: never, alwaysTrue: false };
  }
  const op = Object.keys(src)[0];
  const arg = src[op];
  const at = `${path}.${op}`;
  const list = (n?: number): unknown[] | null => {
    if (!Array.isArray(arg) || arg.length === 0 || (n !== undefined && arg.length !== n)) {
      fail(scope, at, n === undefined ? `${op} takes a non-empty list` : `${op} takes exactly ${n} operands`);
      return null;
    }
    return arg;
  };
  const sub = (g: unknown, i: number) => compileGuard(g, `${at}[${i}]`, scope, depth + 1).fn;
  const g = (fn: GuardFn): CompiledGuard => ({ fn, alwaysTrue: false });
  switch (op) {
    case 'all': {
      const parts = list()?.map(sub) ?? [];
      return g((env) => {
        charge(env, FUEL_PRICE.node);
        for (const p of parts) if (!p(env)) return false;
        return true;
      });
    }
    case 'any': {
      const parts = list()?.map(sub) ?? [];
      return g((env) => {
        charge(env, FUEL_PRICE.node);
        for (const p of parts) if (p(env)) return true;
        return false;
      });
    }
    case 'xor': {
      const ops = list(2);
      if (ops === null) return g(never);
      const [a, b] = ops.map(sub);
      return g((env) => (charge(env, FUEL_PRICE.node), a(env) !== b(env)));
    }
    case 'not': {
      const a = compileGuard(arg, at, scope, depth + 1).fn;
      return g((env) => (charge(env, FUEL_PRICE.node), !a(env)));
    }
    case 'eq':
    case 'ne': {
      const ops = list(2);
      if (ops === null) return g(never);
      const [a, b] = ops.map((o, i) => compileExpr(o, `${at}[${i}]`, scope, depth + 1));
      if (a.type !== b.type && a.type !== 'any' && b.type !== 'any' && a.type !== 'null' && b.type !== 'null') {
        fail(scope, at, `compares a ${a.type} with a ${b.type}: always ${op === 'ne'}`);
      }
      const fa = a.fn;
      const fb = b.fn;
      const want = op === 'eq';
      return g((env) => (charge(env, FUEL_PRICE.node), valuesEqual(fa(env), fb(env)) === want));
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const ops = list(2);
      if (ops === null) return g(never);
      const [fa, fb] = ops.map((o, i) => expectType(compileExpr(o, `${at}[${i}]`, scope, depth + 1), 'int', `${at}[${i}]`, scope).fn);
      const test = ORDER[op];
      return g((env) => {
        charge(env, FUEL_PRICE.node);
        const x = fa(env);
        const y = fb(env);
        if (typeof x !== 'number' || typeof y !== 'number') throw new KernelFailure(`${at}: ordering needs two integers`);
        return test(x - y);
      });
    }
    case 'in': {
      const ops = list(2);
      if (ops === null) return g(never);
      const a = compileExpr(ops[0], `${at}[0]`, scope, depth + 1).fn;
      const choices = ops[1];
      if (!Array.isArray(choices) || choices.some((c) => typeof c !== 'string' && !Number.isSafeInteger(c))) {
        fail(scope, `${at}[1]`, 'in takes a literal list of strings or integers');
        return g(never);
      }
      const set = new Set<CanonicalValue>(choices as (string | number)[]);
      return g((env) => (charge(env, FUEL_PRICE.node), set.has(a(env))));
    }
    case 'startsWith': {
      const ops = list(2);
      if (ops === null) return g(never);
      const [fa, fb] = ops.map((o, i) => expectType(compileExpr(o, `${at}[${i}]`, scope, depth + 1), 'string', `${at}[${i}]`, scope).fn);
      return g((env) => {
        charge(env, FUEL_PRICE.node);
        const x = fa(env);
        const y = fb(env);
        return typeof x === 'string' && typeof y === 'string' && x.startsWith(y);
      });
    }
    case 'hasRole':
    case 'can': {
      if (typeof arg !== 'string' || arg.length === 0) {
        fail(scope, at, `${op} takes a name`);
        return g(never);
      }
      const name = arg;
      return op === 'hasRole'
        ? g((env) => (charge(env, FUEL_PRICE.node), env.roles.has(name)))
        : g((env) => (charge(env, FUEL_PRICE.node), env.capabilities.has(name) || env.capabilities.has('*')));
    }
    case 'exists': {
      if (!isPlainObject(arg) || typeof arg.state !== 'string') {
        fail(scope, at, 'exists takes a state read: { "state": name, "key": expr }');
        return g(never);
      }
      const read = compileExpr(arg, at, scope, depth + 1).fn;
      return g((env) => (charge(env, FUEL_PRICE.node), read(env) !== null));
    }
    case 'withinLimit': {
      const limit = typeof arg === 'string' ? scope.limits.get(arg) : undefined;
      if (typeof arg !== 'string' || limit === undefined) {
        fail(scope, at, `no limit named ${JSON.stringify(arg)} is declared`);
        return g(never);
      }
      const name = arg;
      return g((env) => (charge(env, FUEL_PRICE.read), limitCount(env, name, limit) < limit.max));
    }
    default:
      fail(scope, path, `unknown guard operator "${op}"`);
      return g(never);
  }
}
