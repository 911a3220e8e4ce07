// Runs the built-in wf.* commands against the workflow engine. Case state lives in kernel state at
// `w/<caseId>`, so it is part of the state root; engine fuel is charged to the command's budget.
import type { CanonicalValue } from '../../crypto/canonical.js';
import { charge, KernelFailure, type BuiltinKind, type CompiledDescriptor, type Env } from '../descriptor/compiled.js';
import { K } from '../state/keys.js';
import { cancelCase, cancelTask, completeTask, enabledTasks, startCase, type CaseState, type CompiledWorkflow, type StepResult } from '../workflow/api.js';

function summary(wf: CompiledWorkflow, c: CaseState): CanonicalValue {
  return { caseId: c.id, workflow: c.workflow, status: c.status, enabled: c.status === 'running' ? enabledTasks(wf, c) : [] };
}

export function runWorkflowCommand(desc: CompiledDescriptor, env: Env, kind: BuiltinKind): CanonicalValue {
  const caseId = env.fields.caseId as string;
  const key = K.workflowCase(caseId);
  if (kind === 'wf.start') {
    const name = env.fields.workflow as string;
    const wf = desc.workflows.get(name);
    if (wf === undefined) throw new KernelFailure(`no workflow named "${name}" in descriptor ${desc.name} v${desc.version}`);
    if (env.tx.get(key) !== undefined) throw new KernelFailure(`case "${caseId}" already exists`);
    const c = startCase(wf, caseId);
    env.tx.set(key, c as unknown as CanonicalValue);
    return summary(wf, c);
  }
  const stored = env.tx.get(key);
  if (stored === undefined) throw new KernelFailure(`no case "${caseId}"`);
  const c = stored as unknown as CaseState;
  const wf = desc.workflows.get(c.workflow);
  if (wf === undefined) throw new KernelFailure(`case "${caseId}" runs workflow "${c.workflow}", which the active descriptor does not declare`);
  const budget = Math.max(env.fuel, 0);
  const task = env.fields.task as string;
  let r: StepResult;
  if (kind === 'wf.complete') {
    const choices = Object.hasOwn(env.fields, 'choices') ? (env.fields.choices as string[]) : undefined;
    r = completeTask(wf, c, task, choices === undefined ? {} : { choices }, budget);
  } else if (kind === 'wf.cancelTask') r = cancelTask(wf, c, task, budget);
  else r = cancelCase(wf, c, budget);
  charge(env, r.fuelUsed);
  if (!r.ok) throw new KernelFailure(r.reason);
  env.tx.set(key, r.case as unknown as CanonicalValue);
  return summary(wf, r.case);
}
