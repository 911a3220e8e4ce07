// The workflow engine: pure transitions over a case state. Each public function validates its input,
// works on a Draft copy, and returns either the whole new case or `ok: false` with a reason; it never
// mutates the case it was given and never throws on bad input.
import type { CaseState, CompiledTask, CompiledWorkflow, CompleteInput, StepResult } from './types.js';
import { Draft, StepFailure, tokensAt } from './draft.js';
import { isEnabled, placesToTake } from './enablement.js';
import { chooseBranches, safeName } from './split.js';
import { caseProblem } from './case-check.js';
import { DEFAULT_MAX_FUEL, FUEL } from './limits.js';

/** A new case of `wf`: one token on the start condition. */
export function startCase(wf: CompiledWorkflow, caseId: string): CaseState {
  return { id: caseId, workflow: wf.name, status: 'running', marking: { [wf.start]: 1 }, orJoins: {}, discriminators: {}, instances: {}, steps: 0 };
}

/** Complete one enabled task (or one instance of a multiple-instance task). */
export function completeTask(wf: CompiledWorkflow, c: CaseState, taskId: string, input: CompleteInput = {}, maxFuel = DEFAULT_MAX_FUEL): StepResult {
  return step(wf, c, taskId, maxFuel, (d, t) => {
    const choices = readChoices(input);
    d.charge(FUEL.step);
    d.c.steps += 1;
    const running = Object.hasOwn(d.c.instances, t.id) ? d.c.instances[t.id] : null;
    if (running === null) takeInputs(d, t);
    if (t.instances > 1) {
      const progress = running ?? { completed: 0, total: t.instances };
      progress.completed += 1;
      d.events.push({ kind: 'instance-completed', task: t.id, instance: progress.completed, total: progress.total });
      if (progress.completed < progress.total) {
        if (choices.length > 0) throw new StepFailure(`task "${t.id}": choices apply when its last instance completes`);
        d.c.instances[t.id] = progress;
        return;
      }
      delete d.c.instances[t.id];
    }
    const chosen = chooseBranches(t, choices);
    cancelRegion(wf, d, t);
    for (const b of chosen) d.put(b.place);
    if (t.pairedJoin !== null) {
      const queue = Object.hasOwn(d.c.orJoins, t.pairedJoin) ? d.c.orJoins[t.pairedJoin] : [];
      d.c.orJoins[t.pairedJoin] = [...queue, chosen.length];
    }
    d.events.push({ kind: 'task-completed', task: t.id, chosen: chosen.map((b) => b.to) });
  });
}

/** WCP19: withdraw an enabled task — it takes the tokens it would have taken and produces nothing. */
export function cancelTask(wf: CompiledWorkflow, c: CaseState, taskId: string, maxFuel = DEFAULT_MAX_FUEL): StepResult {
  return step(wf, c, taskId, maxFuel, (d, t) => {
    d.charge(FUEL.step);
    d.c.steps += 1;
    if (Object.hasOwn(d.c.instances, t.id)) delete d.c.instances[t.id];
    else takeInputs(d, t);
    d.events.push({ kind: 'task-cancelled', task: t.id });
  });
}

/** WCP20: cancel the whole case — every token and every pending join state is removed. */
export function cancelCase(wf: CompiledWorkflow, c: CaseState, maxFuel = DEFAULT_MAX_FUEL): StepResult {
  // Shape only: a case that no longer fits an upgraded definition can still be cancelled.
  const problem = checkCase(wf, c, maxFuel, false);
  if (problem !== null) return { ok: false, reason: problem, fuelUsed: 0 };
  const d = new Draft(c, maxFuel);
  try {
    chargeCopy(d, c);
    d.charge(FUEL.step);
    d.c.steps += 1;
    for (const place of Object.keys(d.c.marking).sort()) d.clear(place);
    d.c.orJoins = {};
    d.c.discriminators = {};
    d.c.instances = {};
    d.c.status = 'cancelled';
    d.events.push({ kind: 'case-cancelled' });
  } catch (e) {
    if (e instanceof StepFailure) return { ok: false, reason: e.message, fuelUsed: Math.min(d.fuelUsed, maxFuel) };
    throw e;
  }
  return { ok: true, case: d.c, events: d.events, fuelUsed: d.fuelUsed };
}

/** Shared frame of the task transitions: checks, draft, settle, failure boundary. */
function step(wf: CompiledWorkflow, c: CaseState, taskId: string, maxFuel: number, transition: (d: Draft, t: CompiledTask) => void): StepResult {
  const problem = checkCase(wf, c, maxFuel);
  if (problem !== null) return { ok: false, reason: problem, fuelUsed: 0 };
  if (typeof taskId !== 'string' || !Object.hasOwn(wf.tasks, taskId)) {
    return { ok: false, reason: `workflow "${wf.name}" has no task ${safeName(taskId)}`, fuelUsed: 0 };
  }
  const t = wf.tasks[taskId];
  if (!isEnabled(c, t)) return { ok: false, reason: `task "${taskId}" is not enabled in case ${safeName(c.id)}`, fuelUsed: 0 };
  const d = new Draft(c, maxFuel);
  try {
    chargeCopy(d, c);
    transition(d, t);
    settle(wf, d);
  } catch (e) {
    if (e instanceof StepFailure) return { ok: false, reason: e.message, fuelUsed: Math.min(d.fuelUsed, maxFuel) };
    throw e;
  }
  return { ok: true, case: d.c, events: d.events, fuelUsed: d.fuelUsed };
}

/** The copy of the case a step works on costs fuel in proportion to the case's live places. */
function chargeCopy(d: Draft, c: CaseState): void {
  d.charge(FUEL.per16MarkedPlaces * Math.floor(Object.keys(c.marking).length / 16));
}

/** Take the tokens the task's join consumes, and update join bookkeeping (OR queue, discriminator). */
function takeInputs(d: Draft, t: CompiledTask): void {
  const places = placesToTake(d.c, t);
  if (places === null) throw new Error(`workflow engine bug: "${t.id}" fired while not enabled by its join`);
  for (const place of places) d.take(place);
  if (t.join === 'or') {
    const rest = d.c.orJoins[t.id].slice(1);
    if (rest.length > 0) d.c.orJoins[t.id] = rest;
    else delete d.c.orJoins[t.id];
  }
  if (t.join === 'discriminator' && places.length < t.inputs.length) d.c.discriminators[t.id] = places;
}

/** Cancellation region of a completing task: listed conditions are emptied, listed tasks withdrawn. */
function cancelRegion(wf: CompiledWorkflow, d: Draft, t: CompiledTask): void {
  if (t.cancelPlaces.length === 0 && t.cancelTasks.length === 0) return;
  for (const place of t.cancelPlaces) d.clear(place);
  for (const id of t.cancelTasks) {
    const target = wf.tasks[id];
    // A task's implicit input places belong to it alone; explicit conditions are cancelled only when listed.
    for (const place of target.inputs) if (place.includes('->')) d.clear(place);
    delete d.c.instances[id];
    delete d.c.orJoins[id];
    delete d.c.discriminators[id];
  }
  d.events.push({ kind: 'region-cancelled', task: t.id, places: [...t.cancelPlaces], tasks: [...t.cancelTasks] });
}

/** After a transition: waiting discriminators absorb arrivals; the case completes or dies out. */
function settle(wf: CompiledWorkflow, d: Draft): void {
  for (const id of wf.taskIds) {
    const t = wf.tasks[id];
    if (t.join !== 'discriminator' || !Object.hasOwn(d.c.discriminators, id)) continue;
    const arrived = d.c.discriminators[id];
    for (const place of t.inputs) {
      if (arrived.includes(place) || tokensAt(d.c, place) === 0) continue;
      d.take(place);
      d.charge(FUEL.cleanup);
      arrived.push(place);
      d.events.push({ kind: 'tokens-absorbed', task: id, place });
    }
    if (arrived.length === t.inputs.length) delete d.c.discriminators[id];
    else arrived.sort();
  }
  const live = d.tokenCount;
  const busy = Object.keys(d.c.instances).length > 0;
  if (!busy && live > 0 && live === tokensAt(d.c, wf.end)) {
    d.c.status = 'completed';
    d.c.orJoins = {};
    d.c.discriminators = {};
    d.events.push({ kind: 'case-completed' });
  } else if (!busy && live === 0) {
    d.c.status = 'cancelled';
    d.c.orJoins = {};
    d.c.discriminators = {};
    d.events.push({ kind: 'case-cancelled' });
  }
}

function readChoices(input: CompleteInput): readonly string[] {
  if (typeof input !== 'object' || input === null) throw new StepFailure('completion input must be an object');
  const choices = input.choices ?? [];
  if (!Array.isArray(choices)) throw new StepFailure('choices must be an array of branch targets');
  return choices;
}

/** Null when the case is a running case of `wf` and the fuel limit is usable; else the reason not. */
function checkCase(wf: CompiledWorkflow, c: CaseState, maxFuel: number, fitNet = true): string | null {
  if (typeof maxFuel !== 'number' || !Number.isSafeInteger(maxFuel) || maxFuel < 0) return 'maxFuel must be a non-negative integer';
  const problem = caseProblem(wf, c, fitNet);
  if (problem !== null) return problem;
  if (c.status !== 'running') return `case ${safeName(c.id)} is ${safeName(c.status)}, not running`;
  return null;
}
