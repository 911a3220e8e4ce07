// The descriptor compiler: validates a descriptor document and builds its dispatch table once.
// Every problem is reported with the path where it sits; nothing is half-compiled: either a
// CompiledDescriptor or a DescriptorCompileError listing every error found.
import { toHex } from '../../crypto/bytes.js';
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { Tag, hashTagged } from '../../crypto/hash.js';
import { compileWorkflows, type CompiledWorkflow } from '../workflow/api.js';
import { KERNEL_LIMITS } from '../limits.js';
import type { Decision, Risk } from '../types.js';
import { RISKS } from '../vocabulary.js';
import type { CompiledCommand, CompiledDescriptor, CompiledRule, DescriptorError, LimitDecl, StateDecl } from './compiled.js';
import { compileEffects, valueHasType } from './effects.js';
import { compileExpr } from './expr.js';
import { compileValidator, readFields } from './fields.js';
import { readRules, type RuleSource } from './rules.js';
import { describe, fail, isPlainObject, NAME_RE, type FieldDecl, type Scope } from './scope.js';
import { workflowCommands } from './workflow-commands.js';

export const DESCRIPTOR_FORMAT = 'descriptor/v1';
const TOP_KEYS = ['knhk', 'name', 'version', 'description', 'state', 'limits', 'commands', 'rules', 'default', 'workflows'];
const COMMAND_KEYS = ['fields', 'fuel', 'effects', 'output', 'description'];
/** Command type prefixes the kernel keeps for its built-in commands. */
const RESERVED = /^(gov\.|wf\.|approve$|kernel\.)/;

export class DescriptorCompileError extends Error {
  constructor(readonly errors: DescriptorError[]) {
    super(`descriptor does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}): ` +
      errors.slice(0, 5).map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ') + (errors.length > 5 ? '; ...' : ''));
    this.name = 'DescriptorCompileError';
  }
}

/** hashTagged(Tag.descriptor, canonicalEncode(source)): what admins sign and receipts name. */
export function descriptorHash(source: CanonicalValue): Uint8Array {
  return hashTagged(Tag.descriptor, canonicalEncode(source));
}

// Compilation is pure, so its result can be shared by every state that holds the same source.
const cache = new Map<string, CompiledDescriptor>();
const CACHE_MAX = 64;

/** Compiles a descriptor document (parsed JSON or canonical value). Throws DescriptorCompileError. */
export function compileDescriptor(source: unknown): CompiledDescriptor {
  let hash: Uint8Array;
  let own: CanonicalValue;
  try {
    // A private copy: the caller may mutate its object later; the compiled descriptor (and the
    // state that stores its source) must not change with it.
    const bytes = canonicalEncode(source as CanonicalValue);
    hash = hashTagged(Tag.descriptor, bytes);
    own = canonicalDecode(bytes);
  } catch (e) {
    throw new DescriptorCompileError([{ path: '', message: `descriptor is not canonical data (integers only, no floats): ${(e as Error).message}` }]);
  }
  const hashHex = toHex(hash);
  const hit = cache.get(hashHex);
  if (hit !== undefined) return hit;
  const compiled = compileFresh(own, hash, hashHex);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(hashHex, compiled);
  return compiled;
}

function compileFresh(src: unknown, hash: Uint8Array, hashHex: string): CompiledDescriptor {
  const errors: DescriptorError[] = [];
  const err = { errors };
  if (!isPlainObject(src)) throw new DescriptorCompileError([{ path: '', message: `a descriptor is an object, got ${describe(src)}` }]);
  for (const k of Object.keys(src)) if (!TOP_KEYS.includes(k)) fail(err, k, 'unknown top-level key');
  if (src.knhk !== DESCRIPTOR_FORMAT) fail(err, 'knhk', `must be "${DESCRIPTOR_FORMAT}"`);
  if (typeof src.name !== 'string' || !NAME_RE.test(src.name)) fail(err, 'name', 'must be a name (a letter, then letters, digits, "_", ".", "-")');
  const version = src.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) fail(err, 'version', 'must be an integer >= 1');
  if (src.description !== undefined && typeof src.description !== 'string') fail(err, 'description', 'must be a string');

  const states = readStates(src.state, err);
  const limits = readLimits(src.limits, err);
  const workflows = readWorkflows(src.workflows, err);

  // Commands: their field declarations first, so rules can be type-checked against them.
  const commandSrc = isPlainObject(src.commands) ? src.commands : {};
  if (src.commands !== undefined && !isPlainObject(src.commands)) fail(err, 'commands', `must be an object of command declarations, got ${describe(src.commands)}`);
  const fieldsOf = new Map<string, ReadonlyMap<string, FieldDecl>>();
  for (const [name, c] of Object.entries(commandSrc)) {
    const at = `commands.${name}`;
    if (!NAME_RE.test(name) || RESERVED.test(name)) fail(err, at, 'command names are names and may not start with gov., wf., kernel. or be "approve"');
    if (!isPlainObject(c)) {
      fail(err, at, `expected a command declaration, got ${describe(c)}`);
      continue;
    }
    for (const k of Object.keys(c)) if (!COMMAND_KEYS.includes(k)) fail(err, `${at}.${k}`, 'unknown key in a command declaration');
    fieldsOf.set(name, readFields(c.fields, `${at}.fields`, err));
  }
  const builtins = workflows.size > 0 ? workflowCommands() : [];
  for (const b of builtins) fieldsOf.set(b.name, b.fields);

  const rules = readRules(src.rules, [...fieldsOf.keys()], err);
  const scopeFor = (command: string): Scope => ({ command, fields: fieldsOf.get(command) ?? new Map(), states, limits, errors });
  const rulesByCommand = compileRulesPerCommand(rules, [...fieldsOf.keys()], scopeFor, errors);

  const commands = new Map<string, CompiledCommand>();
  for (const [name, c] of Object.entries(commandSrc)) {
    if (!isPlainObject(c)) continue;
    const at = `commands.${name}`;
    const scope = scopeFor(name);
    const fuel = c.fuel ?? KERNEL_LIMITS.fuelDefault;
    if (typeof fuel !== 'number' || !Number.isSafeInteger(fuel) || fuel < 1 || fuel > KERNEL_LIMITS.fuelMax) {
      fail(err, `${at}.fuel`, `fuel must be an integer in 1..${KERNEL_LIMITS.fuelMax}`);
    }
    commands.set(name, {
      name,
      fuel: Number(fuel),
      validate: compileValidator(scope.fields),
      rules: rulesByCommand.get(name) ?? [],
      effects: compileEffects(c.effects, `${at}.effects`, scope),
      output: c.output === undefined ? null : compileExpr(c.output, `${at}.output`, scope).fn,
      builtin: null,
    });
  }
  for (const b of builtins) commands.set(b.name, { ...b.command, rules: rulesByCommand.get(b.name) ?? [] });

  let defaultDecision: Decision = 'DENY';
  let defaultRisk: Risk = 'none';
  if (src.default !== undefined) {
    const d = src.default;
    if (!isPlainObject(d)) fail(err, 'default', 'must be { "decision": ..., "risk": ... }');
    else {
      for (const k of Object.keys(d)) if (k !== 'decision' && k !== 'risk') fail(err, `default.${k}`, 'unknown key');
      if (d.decision !== 'ALLOW' && d.decision !== 'DENY') fail(err, 'default.decision', 'must be ALLOW or DENY');
      else defaultDecision = d.decision;
      if (d.risk !== undefined && !RISKS.includes(d.risk as Risk)) fail(err, 'default.risk', `must be one of ${RISKS.join(', ')}`);
      else if (d.risk !== undefined) defaultRisk = d.risk as Risk;
    }
  }
  if (errors.length > 0) throw new DescriptorCompileError(errors);
  return {
    name: src.name as string,
    version: version as number,
    hash,
    hashHex,
    source: src as CanonicalValue,
    states,
    commands,
    limits,
    workflows,
    defaultDecision,
    defaultRisk,
  };
}

function compileRulesPerCommand(
  rules: RuleSource[],
  commandNames: string[],
  scopeFor: (command: string) => Scope,
  errors: DescriptorError[],
): Map<string, CompiledRule[]> {
  const out = new Map<string, CompiledRule[]>();
  const decidedBy = new Map<string, string>(); // command -> id of an always-true rule above
  for (const r of rules) {
    const targets = r.commands ?? commandNames;
    let reachable = false;
    for (const cmd of targets) {
      if (decidedBy.has(cmd)) continue;
      reachable = true;
      const g = r.compileGuard(scopeFor(cmd));
      (out.get(cmd) ?? out.set(cmd, []).get(cmd)!).push({ ...r.rule, guard: g.fn });
      if (g.alwaysTrue) decidedBy.set(cmd, r.rule.id);
    }
    if (!reachable && targets.length > 0) {
      fail({ errors }, `${r.path}`, `rule "${r.rule.id}" is unreachable: rule "${decidedBy.get(targets[0])}" above always decides for ${targets.join(', ')}`);
    }
  }
  return out;
}

function readStates(src: unknown, err: { errors: DescriptorError[] }): Map<string, StateDecl> {
  const out = new Map<string, StateDecl>();
  if (src === undefined) return out;
  if (!isPlainObject(src)) {
    fail(err, 'state', `must be an object of state declarations, got ${describe(src)}`);
    return out;
  }
  for (const [name, d] of Object.entries(src)) {
    const at = `state.${name}`;
    if (!NAME_RE.test(name)) fail(err, at, 'state names are names (a letter, then letters, digits, "_", ".", "-")');
    if (!isPlainObject(d)) {
      fail(err, at, `expected { "type": ... }, got ${describe(d)}`);
      continue;
    }
    for (const k of Object.keys(d)) if (!['type', 'value', 'initial', 'description'].includes(k)) fail(err, `${at}.${k}`, 'unknown key in a state declaration');
    const scalar = (t: unknown) => t === 'string' || t === 'int' || t === 'bool' || t === 'bytes';
    if (d.type === 'map') {
      if (!scalar(d.value)) fail(err, `${at}.value`, 'a map declares its value type: string, int, bool or bytes');
      else out.set(name, { kind: 'map', valueType: d.value as StateDecl['valueType'], initial: null });
    } else if (scalar(d.type)) {
      const t = d.type as StateDecl['valueType'];
      const initial = (d.initial ?? { string: '', int: 0, bool: false, bytes: new Uint8Array(0) }[t]) as CanonicalValue;
      if (!valueHasType(initial, t)) fail(err, `${at}.initial`, `initial value must be a ${t}`);
      out.set(name, { kind: 'scalar', valueType: t, initial });
    } else fail(err, `${at}.type`, `state type must be map, string, int, bool or bytes, got ${describe(d.type)}`);
  }
  return out;
}

function readLimits(src: unknown, err: { errors: DescriptorError[] }): Map<string, LimitDecl> {
  const out = new Map<string, LimitDecl>();
  if (src === undefined) return out;
  if (!isPlainObject(src)) {
    fail(err, 'limits', 'must be an object of limit declarations');
    return out;
  }
  for (const [name, d] of Object.entries(src)) {
    const at = `limits.${name}`;
    if (!NAME_RE.test(name)) fail(err, at, 'limit names are names');
    if (!isPlainObject(d)) {
      fail(err, at, 'expected { "max": n, "windowHeights": n, "per": "principal" | "global" }');
      continue;
    }
    for (const k of Object.keys(d)) if (!['max', 'windowHeights', 'per'].includes(k)) fail(err, `${at}.${k}`, 'unknown key in a limit');
    const pos = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
    if (!pos(d.max)) fail(err, `${at}.max`, 'must be an integer >= 1');
    if (!pos(d.windowHeights)) fail(err, `${at}.windowHeights`, 'must be an integer >= 1');
    const per = d.per ?? 'principal';
    if (per !== 'principal' && per !== 'global') fail(err, `${at}.per`, 'must be "principal" or "global"');
    out.set(name, { max: Number(d.max), windowHeights: Number(d.windowHeights) || 1, per: per === 'global' ? 'global' : 'principal' });
  }
  return out;
}

function readWorkflows(src: unknown, err: { errors: DescriptorError[] }): Map<string, CompiledWorkflow> {
  const out = new Map<string, CompiledWorkflow>();
  if (src === undefined) return out;
  const r = compileWorkflows(src, 'workflows');
  if (!r.ok) {
    for (const e of r.errors) fail(err, e.path, e.message);
    return out;
  }
  for (const name of Object.keys(r.workflows).sort()) out.set(name, r.workflows[name]);
  return out;
}
