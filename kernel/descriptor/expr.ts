// Expressions: the values guards compare and effects write. Every node costs fuel when evaluated.
//   literal (integer, string, boolean, null)     { "field": name }       { "ctx": "principal"|"height"|"seq"|"type" }
//   { "state": name, "key"?: expr }  (a map read yields null when absent)  { "used": limitName }
//   { "add"|"sub"|"mul": [a, b] } (safe integers; overflow fails the command)  { "concat": [a, ...] }
//   { "len": a }   { "coalesce": [a, b] }  (a unless null)
import type { CanonicalValue } from '../../crypto/canonical.js';
import { FUEL_PRICE, KERNEL_LIMITS } from '../limits.js';
import { K } from '../state/keys.js';
import { KernelFailure, charge, type Env, type ExprFn, type ScalarType } from './compiled.js';
import { describe, fail, isPlainObject, type Scope } from './scope.js';
import { limitCount } from './limit-window.js';

export type ExprType = ScalarType | 'null' | 'any';

export interface Typed {
  fn: ExprFn;
  type: ExprType;
  /** True when the value may be null at run time (map reads, optional fields). */
  nullable: boolean;
}

const CTX: Record<string, ExprType> = { principal: 'string', height: 'int', seq: 'int', type: 'string' };
const ARITH = ['add', 'sub', 'mul'] as const;

const bad = (fn: ExprFn): Typed => ({ fn, type: 'any', nullable: true });
const nothing: ExprFn = () => null;

export function compileExpr(src: unknown, path: string, scope: Scope, depth = 0): Typed {
  if (depth > KERNEL_LIMITS.exprDepthMax) {
    fail(scope, path, `expression nested deeper than ${KERNEL_LIMITS.exprDepthMax}`);
    return bad(nothing);
  }
  if (src === null) return { fn: nothing, type: 'null', nullable: true };
  if (typeof src === 'boolean' || typeof src === 'string') {
    const v = src;
    return { fn: (env) => (charge(env, FUEL_PRICE.node), v), type: typeof src === 'boolean' ? 'bool' : 'string', nullable: false };
  }
  if (typeof src === 'number') {
    if (!Number.isSafeInteger(src)) fail(scope, path, `numbers must be safe integers, got ${src}`);
    const v = src;
    return { fn: (env) => (charge(env, FUEL_PRICE.node), v), type: 'int', nullable: false };
  }
  if (!isPlainObject(src)) {
    fail(scope, path, `expected an expression, got ${describe(src)}`);
    return bad(nothing);
  }
  const keys = Object.keys(src);
  const op = keys.find((k) => k !== 'key');
  if (op === undefined || (keys.length > 1 && !(op === 'state' && keys.length === 2))) {
    fail(scope, path, `an expression object has exactly one operator (and "key" only with "state"), got keys ${JSON.stringify(keys)}`);
    return bad(nothing);
  }
  const arg = src[op];
  const at = `${path}.${op}`;
  switch (op) {
    case 'field': {
      const decl = typeof arg === 'string' ? scope.fields.get(arg) : undefined;
      if (typeof arg !== 'string' || decl === undefined) {
        fail(scope, at, `command "${scope.command}" has no field ${JSON.stringify(arg)}`);
        return bad(nothing);
      }
      const name = arg;
      // hasOwn, not `fields[name] ?? null`: an absent field named like an Object.prototype member
      // ("toString") must read as null, not as the inherited function.
      return { fn: (env) => (charge(env, FUEL_PRICE.node), Object.hasOwn(env.fields, name) ? env.fields[name] : null), type: decl.type, nullable: decl.optional };
    }
    case 'ctx': {
      if (typeof arg !== 'string' || !Object.hasOwn(CTX, arg)) {
        fail(scope, at, `ctx must be one of ${Object.keys(CTX).join(', ')}`);
        return bad(nothing);
      }
      const fn: ExprFn =
        arg === 'principal' ? (env) => (charge(env, FUEL_PRICE.node), env.cmd.principal)
        : arg === 'height' ? (env) => (charge(env, FUEL_PRICE.node), env.height)
        : arg === 'seq' ? (env) => (charge(env, FUEL_PRICE.node), env.cmd.seq)
        : (env) => (charge(env, FUEL_PRICE.node), env.cmd.type);
      return { fn, type: CTX[arg], nullable: false };
    }
    case 'state':
      return compileStateRead(arg, src.key, path, scope, depth);
    case 'used': {
      const limit = typeof arg === 'string' ? scope.limits.get(arg) : undefined;
      if (typeof arg !== 'string' || limit === undefined) {
        fail(scope, at, `no limit named ${JSON.stringify(arg)} is declared`);
        return bad(nothing);
      }
      const name = arg;
      return { fn: (env) => (charge(env, FUEL_PRICE.read), limitCount(env, name, limit)), type: 'int', nullable: false };
    }
    case 'add':
    case 'sub':
    case 'mul':
      return compileArith(op, arg, at, scope, depth);
    case 'concat': {
      if (!Array.isArray(arg) || arg.length < 1) {
        fail(scope, at, 'concat takes a non-empty list');
        return bad(nothing);
      }
      const parts = arg.map((a, i) => expectType(compileExpr(a, `${at}[${i}]`, scope, depth + 1), 'string', `${at}[${i}]`, scope));
      const fns = parts.map((p) => p.fn);
      return {
        fn: (env) => {
          charge(env, FUEL_PRICE.node);
          let s = '';
          for (const f of fns) {
            const v = f(env);
            if (typeof v !== 'string') throw new KernelFailure(`${at}: concat of a non-string`);
            s += v;
          }
          if (s.length > KERNEL_LIMITS.fieldLengthMax) throw new KernelFailure(`${at}: string longer than ${KERNEL_LIMITS.fieldLengthMax}`);
          return s;
        },
        type: 'string',
        nullable: false,
      };
    }
    case 'len': {
      const a = compileExpr(arg, at, scope, depth + 1);
      if (a.type !== 'string' && a.type !== 'bytes' && a.type !== 'any') fail(scope, at, `len needs a string or bytes, got ${a.type}`);
      const f = a.fn;
      return {
        fn: (env) => {
          charge(env, FUEL_PRICE.node);
          const v = f(env);
          if (typeof v === 'string' || v instanceof Uint8Array) return v.length;
          throw new KernelFailure(`${at}: len of a value that is not a string or bytes`);
        },
        type: 'int',
        nullable: false,
      };
    }
    case 'coalesce': {
      if (!Array.isArray(arg) || arg.length !== 2) {
        fail(scope, at, 'coalesce takes [value, fallback]');
        return bad(nothing);
      }
      const a = compileExpr(arg[0], `${at}[0]`, scope, depth + 1);
      const b = compileExpr(arg[1], `${at}[1]`, scope, depth + 1);
      const fa = a.fn;
      const fb = b.fn;
      const type = a.type === 'null' ? b.type : a.type;
      return { fn: (env) => (charge(env, FUEL_PRICE.node), fa(env) ?? fb(env)), type, nullable: b.nullable };
    }
    default:
      fail(scope, path, `unknown expression operator "${op}"`);
      return bad(nothing);
  }
}

function compileStateRead(name: unknown, keySrc: unknown, path: string, scope: Scope, depth: number): Typed {
  const decl = typeof name === 'string' ? scope.states.get(name) : undefined;
  if (typeof name !== 'string' || decl === undefined) {
    fail(scope, `${path}.state`, `no state named ${JSON.stringify(name)} is declared`);
    return bad(nothing);
  }
  if (decl.kind === 'scalar') {
    if (keySrc !== undefined) fail(scope, `${path}.key`, `state "${name}" is a scalar: it takes no key`);
    const key = K.scalar(name);
    const initial = decl.initial;
    return { fn: (env) => (charge(env, FUEL_PRICE.read), env.tx.get(key) ?? initial), type: decl.valueType, nullable: false };
  }
  if (keySrc === undefined) {
    fail(scope, `${path}.key`, `state "${name}" is a map: reading it needs a key`);
    return bad(nothing);
  }
  const k = expectType(compileExpr(keySrc, `${path}.key`, scope, depth + 1), 'string', `${path}.key`, scope).fn;
  return {
    fn: (env) => {
      charge(env, FUEL_PRICE.read);
      return env.tx.get(K.mapEntry(name, mapKey(k(env), `${path}.key`))) ?? null;
    },
    type: decl.valueType,
    nullable: true,
  };
}

/** A map key at run time: a string within the key length limit, or the command fails. */
export function mapKey(v: CanonicalValue, path: string): string {
  if (typeof v !== 'string') throw new KernelFailure(`${path}: map key is not a string`);
  if (v.length > KERNEL_LIMITS.stateKeyLengthMax) throw new KernelFailure(`${path}: map key longer than ${KERNEL_LIMITS.stateKeyLengthMax}`);
  return v;
}

function compileArith(op: (typeof ARITH)[number], arg: unknown, at: string, scope: Scope, depth: number): Typed {
  if (!Array.isArray(arg) || arg.length !== 2) {
    fail(scope, at, `${op} takes [a, b]`);
    return bad(nothing);
  }
  const fa = expectType(compileExpr(arg[0], `${at}[0]`, scope, depth + 1), 'int', `${at}[0]`, scope).fn;
  const fb = expectType(compileExpr(arg[1], `${at}[1]`, scope, depth + 1), 'int', `${at}[1]`, scope).fn;
  const apply = op === 'add' ? (x: number, y: number) => x + y : op === 'sub' ? (x: number, y: number) => x - y : (x: number, y: number) => x * y;
  return {
    fn: (env) => {
      charge(env, FUEL_PRICE.node);
      const x = fa(env);
      const y = fb(env);
      if (typeof x !== 'number' || typeof y !== 'number') throw new KernelFailure(`${at}: ${op} of a non-integer`);
      const r = apply(x, y);
      if (!Number.isSafeInteger(r)) throw new KernelFailure(`${at}: integer overflow`);
      return r;
    },
    type: 'int',
    nullable: false,
  };
}

/** Reports a compile error when `t` is known to have another type than `want`. */
export function expectType(t: Typed, want: ScalarType, path: string, scope: Scope): Typed {
  if (t.type !== want && t.type !== 'any') fail(scope, path, `expected a ${want}, got ${t.type}`);
  return t;
}
