// Checks a case state against the net it is about to run on. A case comes from kernel state, which
// may have been restored from a snapshot or written under an earlier descriptor version whose
// workflow had other tasks; the engine must refuse such a case with a reason rather than misread it.
// A case fits when every place, join entry and instance entry it names exists in this net with the
// right kind: then it continues under this definition (a compatible descriptor upgrade).
import type { CaseState, CompiledWorkflow } from './types.js';
import { LIMITS } from './limits.js';
import { safeName } from './split.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function isCount(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max;
}

/**
 * Null when `c` is a well-formed case of `wf` (any status); else what is wrong with it. With
 * `fitNet` false only the shape is checked (enough to cancel a case that no longer fits).
 */
export function caseProblem(wf: CompiledWorkflow, c: unknown, fitNet = true): string | null {
  if (!isRecord(c)) return 'not a workflow case';
  const { id, workflow, status, marking, orJoins, discriminators, instances, steps } = c;
  if (typeof id !== 'string' || typeof workflow !== 'string') return 'not a workflow case: id and workflow must be strings';
  if (workflow !== wf.name) return `case ${safeName(id)} belongs to workflow ${safeName(workflow)}, not "${wf.name}"`;
  if (status !== 'running' && status !== 'completed' && status !== 'cancelled') return `case ${safeName(id)} has an unknown status ${safeName(status)}`;
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 0) return `case ${safeName(id)} has a bad step count`;
  if (!isRecord(marking) || !isRecord(orJoins) || !isRecord(discriminators) || !isRecord(instances)) return `case ${safeName(id)} is missing part of its state`;
  if (!fitNet) return null;
  const misfit = (what: string) => `case ${safeName(id)} does not fit workflow "${wf.name}" as now defined: ${what}`;
  for (const place of Object.keys(marking)) {
    if (!hasSorted(wf.places, place)) return misfit(`no place ${safeName(place)}`);
    if (!isCount(marking[place], LIMITS.tokensMax)) return misfit(`bad token count on ${safeName(place)}`);
  }
  for (const task of Object.keys(orJoins)) {
    const queue = orJoins[task];
    if (!Object.hasOwn(wf.tasks, task) || wf.tasks[task].join !== 'or') return misfit(`no OR join ${safeName(task)}`);
    const arity = wf.tasks[task].inputs.length;
    if (!Array.isArray(queue) || queue.length === 0 || !queue.every((k) => isCount(k, arity))) return misfit(`bad OR-join state of "${task}"`);
  }
  for (const task of Object.keys(discriminators)) {
    const arrived = discriminators[task];
    if (!Object.hasOwn(wf.tasks, task) || wf.tasks[task].join !== 'discriminator') return misfit(`no discriminator ${safeName(task)}`);
    const inputs = wf.tasks[task].inputs;
    if (!Array.isArray(arrived) || arrived.length === 0 || arrived.length >= inputs.length || !arrived.every((p) => inputs.includes(p))) {
      return misfit(`bad discriminator state of "${task}"`);
    }
  }
  for (const task of Object.keys(instances)) {
    const progress = instances[task];
    if (!Object.hasOwn(wf.tasks, task) || wf.tasks[task].instances < 2) return misfit(`no multiple-instance task ${safeName(task)}`);
    const total = wf.tasks[task].instances;
    if (!isRecord(progress) || progress.total !== total || !isCount(progress.completed, total - 1)) return misfit(`bad instance state of "${task}"`);
  }
  return null;
}

/** Binary search in an array sorted by code unit (the compiler's order): O(log n) per lookup. */
function hasSorted(sorted: readonly string[], x: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === x;
}
