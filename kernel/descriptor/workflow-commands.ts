// The built-in workflow commands a descriptor gets when it declares `workflows`. Their fields are
// declared here so rules can guard them like any command (e.g. only role "reviewer" may complete
// task "review"); their effects run the workflow engine (kernel/policy/workflow-exec.ts).
import type { CanonicalValue } from '../../crypto/canonical.js';
import { FUEL_PRICE } from '../limits.js';
import { charge, type BuiltinKind, type CompiledCommand, type Env } from './compiled.js';
import { compileValidator } from './fields.js';
import type { FieldDecl } from './scope.js';

const ID: FieldDecl = { type: 'string', optional: false, maxLength: 128, min: null, max: null, enumValues: null };
const CHOICES_MAX = 64;

export interface BuiltinCommand {
  name: BuiltinKind;
  fields: ReadonlyMap<string, FieldDecl>;
  command: Omit<CompiledCommand, 'rules'>;
}

const WORKFLOW_FUEL = 10_000;

export function workflowCommands(): BuiltinCommand[] {
  const make = (name: BuiltinKind, names: string[], choices = false): BuiltinCommand => {
    const fields = new Map(names.map((n) => [n, ID] as const));
    const base = compileValidator(fields);
    // `choices` (a list of branch targets) is not a scalar field type, so it is checked here.
    const validate = choices
      ? (env: Env) => {
          if (!Object.hasOwn(env.fields, 'choices')) return base(env);
          const c: CanonicalValue = env.fields.choices;
          charge(env, FUEL_PRICE.field);
          if (!Array.isArray(c) || c.length > CHOICES_MAX || c.some((x) => typeof x !== 'string' || x.length > 128)) {
            return `field "choices" must be a list of at most ${CHOICES_MAX} task/condition ids`;
          }
          const { choices: _omit, ...rest } = env.fields;
          const inner = { ...env, fields: rest };
          const problem = base(inner);
          env.fuel = inner.fuel;
          return problem;
        }
      : base;
    return { name, fields, command: { name, fuel: WORKFLOW_FUEL, validate, effects: () => undefined, output: null, builtin: name } };
  };
  return [
    make('wf.start', ['workflow', 'caseId']),
    make('wf.complete', ['caseId', 'task'], true),
    make('wf.cancelTask', ['caseId', 'task']),
    make('wf.cancel', ['caseId']),
  ];
}
