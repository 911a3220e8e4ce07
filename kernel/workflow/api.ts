// Public surface of the workflow-pattern engine (kernel/workflow/). The kernel imports only this file.
//
// Lifecycle: the descriptor compiler calls `compileWorkflows(descriptor.workflows, 'workflows')` once
// when a descriptor is installed; execution then calls the pure engine functions below with the
// compiled net and a case state. Every engine function:
//   - is pure and deterministic (sorted iteration, integers only, no clock, no randomness);
//   - never mutates the case it is given (it returns a new one);
//   - never throws on bad input: it returns `{ ok: false, reason }` and the caller's case is untouched;
//   - reports `fuelUsed` so the kernel can meter it, and fails cleanly once `maxFuel` is exceeded.
// Supported patterns and the JSON format: docs/workflows.md.

export type {
  CaseState,
  CaseStatus,
  CompileResult,
  CompiledBranch,
  CompiledTask,
  CompiledWorkflow,
  CompleteInput,
  InstanceProgress,
  JoinKind,
  SplitKind,
  StepResult,
  WorkflowCompileError,
  WorkflowEvent,
} from './types.js';

/**
 * compileWorkflow(def, path): CompileResult — validate and compile one definition; `path` is where it
 * sits (e.g. `workflows.approval`), prefixes every error path, and its last segment names the workflow.
 * compileWorkflows(section, path = 'workflows') — a whole section, errors of every workflow together.
 */
export { compileWorkflow, compileWorkflows } from './compile.js';
/** startCase(wf, caseId): CaseState — a token on the start condition. */
export { startCase } from './engine.js';
/** enabledTasks(wf, c): string[] — sorted ids of tasks that may complete now. */
export { enabledTasks } from './enablement.js';
/** completeTask(wf, c, taskId, input?, maxFuel?): StepResult. */
export { completeTask } from './engine.js';
/** cancelTask(wf, c, taskId, maxFuel?): StepResult — WCP19, withdraws an enabled task. */
export { cancelTask } from './engine.js';
/** cancelCase(wf, c, maxFuel?): StepResult — WCP20, removes every token. */
export { cancelCase } from './engine.js';
/** Fuel prices and limits (constants the kernel may report in receipts). */
export { FUEL, DEFAULT_MAX_FUEL, LIMITS } from './limits.js';
