// When a task may complete, per join kind, and which tokens it takes when it does. One definition
// serves enabledTasks, completeTask and cancelTask (a cancelled task takes the same tokens it would
// have taken, and produces nothing).
import type { CaseState, CompiledTask, CompiledWorkflow } from './types.js';
import { tokensAt } from './draft.js';
import { caseProblem } from './case-check.js';

/** Sorted ids of the tasks that may complete now (empty unless a well-formed case of `wf` is running). */
export function enabledTasks(wf: CompiledWorkflow, c: CaseState): string[] {
  if (caseProblem(wf, c) !== null || c.status !== 'running') return [];
  return wf.taskIds.filter((id) => isEnabled(c, wf.tasks[id]));
}

export function isEnabled(c: CaseState, t: CompiledTask): boolean {
  if (t.milestone !== null && tokensAt(c, t.milestone) === 0) return false;
  if (Object.hasOwn(c.instances, t.id)) return true; // WCP13: further instances of a running task
  return placesToTake(c, t) !== null;
}

/**
 * The input places a firing of `t` takes one token from (sorted), or null if `t` is not enabled by
 * its join. Milestones and running instances are handled by the caller.
 */
export function placesToTake(c: CaseState, t: CompiledTask): string[] | null {
  const marked = t.inputs.filter((p) => tokensAt(c, p) > 0);
  switch (t.join) {
    case 'xor':
      // Simple merge / multi-merge: one firing per token, earliest place (sorted) first.
      return marked.length > 0 ? [marked[0]] : null;
    case 'and':
      return marked.length === t.inputs.length ? marked : null;
    case 'or': {
      // Structured synchronizing merge: wait for as many branches as the paired OR-split activated.
      const expected = Object.hasOwn(c.orJoins, t.id) ? c.orJoins[t.id][0] : undefined;
      return expected !== undefined && marked.length >= expected ? marked.slice(0, expected) : null;
    }
    case 'discriminator':
      // Fires on the first arrival while armed; while waiting, arrivals are absorbed (engine.settle)
      // and a second token on an already-arrived branch stays blocked until the reset.
      return !Object.hasOwn(c.discriminators, t.id) && marked.length > 0 ? marked : null;
    default:
      return assertNever(t.join);
  }
}

function assertNever(x: never): never {
  throw new Error(`workflow engine bug: unhandled join kind ${String(x)}`);
}
