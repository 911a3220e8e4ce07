// The workflow compiler: validates a definition (shape, references, structure) and builds the
// read-only CompiledWorkflow the engine runs on. Runs once per descriptor install; execution never
// looks at the JSON again.
import type { CompileResult, CompiledBranch, CompiledTask, CompiledWorkflow, WorkflowCompileError } from './types.js';
import type { RawBranch, RawTask, RawWorkflow } from './read-def.js';
import { describe, isValidId, readWorkflowDef } from './read-def.js';
import { checkStructure } from './check-structure.js';
import { LIMITS } from './limits.js';

/** Name of the implicit place on a task -> task arc (ids cannot contain '>', so no collision). */
export function arcPlace(from: string, to: string): string {
  return `${from}->${to}`;
}

/** Compile one workflow definition found at `path` (e.g. `workflows.approval`). */
export function compileWorkflow(def: unknown, path: string): CompileResult {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const { raw, errors } = readWorkflowDef(def, path);
  // Each phase runs only on a document the previous phase accepted, so one mistake gives one error
  // rather than a cascade (a malformed `next` would also read as "no targets").
  if (raw === null || errors.length > 0) return { ok: false, errors };
  const refErrors = checkReferences(raw, path);
  if (refErrors.length > 0) return { ok: false, errors: refErrors };
  const workflow = build(name, raw);
  const structureErrors = checkStructure(workflow, raw, path);
  if (structureErrors.length > 0) return { ok: false, errors: structureErrors };
  return { ok: true, workflow: deepFreeze(workflow) };
}

/**
 * Compile a whole `workflows` section: an object of workflow definitions by name. Errors from every
 * workflow are returned together.
 */
export function compileWorkflows(section: unknown, path = 'workflows'):
  | { ok: true; workflows: Readonly<Record<string, CompiledWorkflow>> }
  | { ok: false; errors: WorkflowCompileError[] } {
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    return { ok: false, errors: [{ path, message: `expected an object of workflows by name, got ${describe(section)}` }] };
  }
  const workflows: Record<string, CompiledWorkflow> = Object.create(null);
  const errors: WorkflowCompileError[] = [];
  for (const key of Object.keys(section).sort()) {
    if (!isValidId(key)) {
      errors.push({ path: `${path}.${key}`, message: 'workflow names follow the id rule: a letter, then letters, digits, "_", ".", "-"' });
      continue;
    }
    const result = compileWorkflow((section as Record<string, unknown>)[key], `${path}.${key}`);
    if (result.ok) workflows[key] = result.workflow;
    else errors.push(...result.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, workflows: Object.freeze(workflows) };
}

/** Every id a definition names must exist, with the right kind; ids are unique across kinds. */
function checkReferences(raw: RawWorkflow, path: string): WorkflowCompileError[] {
  const errors: WorkflowCompileError[] = [];
  const fail = (p: string, message: string) => errors.push({ path: p, message });
  const taskIds = new Set(raw.tasks.map((t) => t.id));
  const conditionIds = new Set(raw.conditions.map((c) => c.id));
  const taskById = new Map(raw.tasks.map((t) => [t.id, t]));
  const isNode = (id: string) => taskIds.has(id) || conditionIds.has(id) || id === raw.end;
  const isCondition = (id: string) => conditionIds.has(id) || id === raw.end;

  for (const c of raw.conditions) if (taskIds.has(c.id)) fail(c.path, `duplicate id "${c.id}": already a task`);
  if (raw.tasks.length + raw.conditions.length > LIMITS.nodesMax) fail(path, `at most ${LIMITS.nodesMax} tasks and conditions`);
  const arcs = raw.tasks.reduce((n, t) => n + t.next.length, 0) + raw.conditions.reduce((n, c) => n + c.next.length, 0);
  if (arcs > LIMITS.arcsMax) fail(path, `at most ${LIMITS.arcsMax} arcs, got ${arcs}`);
  if (!conditionIds.has(raw.start)) fail(`${path}.start`, `start "${raw.start}" must be a condition declared under conditions`);
  if (taskIds.has(raw.end)) fail(`${path}.end`, `end "${raw.end}" must be a condition, not a task`);
  if (raw.start === raw.end) fail(`${path}.end`, 'start and end must be different conditions');

  const checkTargets = (from: { next: readonly RawBranch[] }, fromIsCondition: boolean) => {
    const seen = new Set<string>();
    for (const b of from.next) {
      if (!isNode(b.to)) fail(b.path, `"${b.to}" is not a task or condition of this workflow`);
      else if (fromIsCondition && !taskIds.has(b.to)) fail(b.path, `a condition may only lead to tasks; "${b.to}" is a condition`);
      if (seen.has(b.to)) fail(b.path, `"${b.to}" is listed twice`);
      seen.add(b.to);
    }
  };
  for (const c of raw.conditions) {
    checkTargets(c, true);
    if (c.id === raw.end && c.next.length > 0) fail(`${c.path}.next`, 'the end condition has no outgoing arcs');
    if (c.id !== raw.end && c.next.length === 0) fail(`${c.path}.next`, 'a condition other than end needs at least one task after it');
  }
  for (const t of raw.tasks) {
    checkTargets(t, false);
    if (t.next.length === 0) fail(`${t.path}.next`, 'a task needs at least one target (use the end condition to finish)');
    if (t.next.some((b) => b.to === raw.start)) fail(`${t.path}.next`, `nothing may lead back to the start condition "${raw.start}"`);
    if (t.milestone !== null && !isCondition(t.milestone)) fail(`${t.path}.milestone`, `"${t.milestone}" is not a condition of this workflow`);
    const cancelled = new Set<string>();
    for (const c of t.cancels) {
      if (!isNode(c.id)) fail(c.path, `"${c.id}" is not a task or condition of this workflow`);
      if (cancelled.has(c.id)) fail(c.path, `"${c.id}" is listed twice`);
      cancelled.add(c.id);
    }
    if (t.orJoin !== null) {
      const join = taskById.get(t.orJoin);
      if (t.split !== 'or') fail(`${t.path}.orJoin`, 'orJoin pairs an OR-split with its OR-join: this task needs "split": "or"');
      else if (join === undefined) fail(`${t.path}.orJoin`, `"${t.orJoin}" is not a task of this workflow`);
      else if (join.join !== 'or') fail(`${t.path}.orJoin`, `task "${t.orJoin}" must have "join": "or"`);
    }
  }
  return errors;
}

function build(name: string, raw: RawWorkflow): CompiledWorkflow {
  const conditions = new Set(raw.conditions.map((c) => c.id));
  conditions.add(raw.end);
  const inputs = new Map<string, string[]>(raw.tasks.map((t) => [t.id, []]));
  const places = new Set<string>(conditions);
  const placeOf = (from: string, to: string) => (conditions.has(to) ? to : arcPlace(from, to));
  for (const c of raw.conditions) for (const b of c.next) inputs.get(b.to)?.push(c.id);
  for (const t of raw.tasks) {
    for (const b of t.next) {
      const place = placeOf(t.id, b.to);
      places.add(place);
      inputs.get(b.to)?.push(place);
    }
  }
  const pairedJoins = new Map<string, string>();
  for (const t of raw.tasks) if (t.orJoin !== null) pairedJoins.set(t.id, t.orJoin);
  const tasks: Record<string, CompiledTask> = Object.create(null);
  for (const t of raw.tasks) tasks[t.id] = compileTask(t, (inputs.get(t.id) ?? []).sort(), placeOf, conditions, pairedJoins);
  return {
    name,
    start: raw.start,
    end: raw.end,
    places: [...places].sort(),
    conditions: [...conditions].sort(),
    taskIds: raw.tasks.map((t) => t.id),
    tasks,
  };
}

function compileTask(
  t: RawTask,
  inputs: string[],
  placeOf: (from: string, to: string) => string,
  conditions: ReadonlySet<string>,
  pairedJoins: ReadonlyMap<string, string>,
): CompiledTask {
  const branches: CompiledBranch[] = t.next.map((b) => ({ to: b.to, place: placeOf(t.id, b.to), isDefault: b.isDefault }));
  return {
    id: t.id,
    join: t.join,
    split: t.split,
    inputs,
    branches,
    milestone: t.milestone,
    instances: t.instances,
    cancelPlaces: t.cancels.filter((c) => conditions.has(c.id)).map((c) => c.id).sort(),
    cancelTasks: t.cancels.filter((c) => !conditions.has(c.id)).map((c) => c.id).sort(),
    pairedJoin: pairedJoins.get(t.id) ?? null,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
