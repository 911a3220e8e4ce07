// The compiled form of a descriptor: a dispatch table of closures, built once by compile.ts and
// read-only afterwards. Execution never looks at the JSON source again.
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { CompiledWorkflow } from '../workflow/api.js';
import type { Tx } from '../state/tx.js';
import type { Decision, KernelCommand, Risk } from '../types.js';

/** One compile error: `path` names the place in the document, e.g. `rules[3].when.all[1].field`. */
export interface DescriptorError {
  path: string;
  message: string;
}

export type ScalarType = 'string' | 'int' | 'bool' | 'bytes';

export interface StateDecl {
  kind: 'scalar' | 'map';
  valueType: ScalarType;
  /** Initial value of a scalar (maps start empty). */
  initial: CanonicalValue;
}

export interface LimitDecl {
  max: number;
  windowHeights: number;
  per: 'principal' | 'global';
}

/** What closures see while one command runs. Created per command; `fuel` counts down. */
export interface Env {
  cmd: KernelCommand;
  fields: Record<string, CanonicalValue>;
  roles: ReadonlySet<string>;
  capabilities: ReadonlySet<string>;
  height: number;
  tx: Tx;
  fuel: number;
}

export type ExprFn = (env: Env) => CanonicalValue;
export type GuardFn = (env: Env) => boolean;
export type EffectFn = (env: Env) => void;

export interface ApprovalSpec {
  /** Approvers are the principals holding this role, or exactly these ids. */
  role: string | null;
  ids: readonly string[] | null;
  threshold: number;
  expiresAfterHeights: number;
}

export interface CompiledRule {
  id: string;
  decision: Decision;
  risk: Risk;
  reason: string | null;
  guard: GuardFn;
  approval: ApprovalSpec | null;
}

export type BuiltinKind = 'wf.start' | 'wf.complete' | 'wf.cancelTask' | 'wf.cancel';

export interface CompiledCommand {
  name: string;
  fuel: number;
  /** Why `fields` do not fit the declaration (charging fuel per field), or null. */
  validate: (env: Env) => string | null;
  /** The rules that apply to this command type, in document order (first match decides). */
  rules: readonly CompiledRule[];
  effects: EffectFn;
  output: ExprFn | null;
  builtin: BuiltinKind | null;
}

export interface CompiledDescriptor {
  name: string;
  version: number;
  /** descriptorHash(source). */
  hash: Uint8Array;
  hashHex: string;
  source: CanonicalValue;
  states: ReadonlyMap<string, StateDecl>;
  commands: ReadonlyMap<string, CompiledCommand>;
  limits: ReadonlyMap<string, LimitDecl>;
  workflows: ReadonlyMap<string, CompiledWorkflow>;
  defaultDecision: Decision;
  defaultRisk: Risk;
}

/** A command that cannot complete (effects fail); thrown inside closures, caught by apply. */
export class KernelFailure {
  constructor(readonly reason: string) {}
}

/** Thrown when a command's fuel runs out; preallocated, so running out costs no allocation. */
export const OUT_OF_FUEL = new KernelFailure('out of fuel');

export function charge(env: Env, amount: number): void {
  env.fuel -= amount;
  if (env.fuel < 0) throw OUT_OF_FUEL;
}
