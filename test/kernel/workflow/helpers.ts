// Shared helpers for the workflow tests: load a pattern example, walk a case, freeze inputs so any
// mutation by the engine throws.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { compileWorkflow, completeTask, startCase } from '../../../kernel/workflow/api.js';
import type { CaseState, CompiledWorkflow, StepResult, WorkflowEvent } from '../../../kernel/workflow/api.js';

const examplesDir = new URL('../../../kernel/examples/workflows/', import.meta.url);

/** The single workflow of an example file under kernel/examples/workflows/. */
export function loadExample(file: string): CompiledWorkflow {
  const doc = JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8')) as { workflows: Record<string, unknown> };
  const [name] = Object.keys(doc.workflows);
  const result = compileWorkflow(doc.workflows[name], `workflows.${name}`);
  if (!result.ok) assert.fail(`${file} does not compile: ${JSON.stringify(result.errors)}`);
  return result.workflow;
}

export function exampleFiles(): string[] {
  return ['wcp01-sequence.json', 'wcp02-03-parallel-split-synchronization.json', 'wcp04-05-exclusive-choice-simple-merge.json',
    'wcp06-07-multi-choice-synchronizing-merge.json', 'wcp08-multi-merge.json', 'wcp09-structured-discriminator.json',
    'wcp13-multiple-instances-design-time.json', 'wcp16-deferred-choice.json', 'wcp18-milestone.json', 'wcp19-cancel-task.json',
    'wcp20-cancel-case.json', 'payment-approval.json'];
}

/** Compile an inline definition, failing the test with the errors if it does not compile. */
export function compile(def: unknown, name = 'test'): CompiledWorkflow {
  const result = compileWorkflow(def, `workflows.${name}`);
  if (!result.ok) assert.fail(`does not compile: ${JSON.stringify(result.errors)}`);
  return result.workflow;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Assert a step succeeded; return its result with the new case frozen (so the next step cannot mutate it). */
export function ok(result: StepResult): { case: CaseState; events: WorkflowEvent[]; fuelUsed: number } {
  if (!result.ok) assert.fail(`step failed: ${result.reason}`);
  return { case: deepFreeze(result.case), events: result.events, fuelUsed: result.fuelUsed };
}

/** Assert a step was refused, with a reason matching `pattern`. */
export function refused(result: StepResult, pattern: RegExp): void {
  if (result.ok) assert.fail(`expected the step to be refused (${pattern}), it succeeded`);
  assert.match(result.reason, pattern);
}

/** Start a case and complete the given tasks in order (each `[task, choices]` or a task id). */
export function walk(wf: CompiledWorkflow, steps: (string | [string, string[]])[], caseId = 'c1'): CaseState {
  let c = deepFreeze(startCase(wf, caseId));
  for (const s of steps) {
    const [task, choices] = typeof s === 'string' ? [s, undefined] : s;
    c = ok(completeTask(wf, c, task, choices === undefined ? {} : { choices })).case;
  }
  return c;
}
