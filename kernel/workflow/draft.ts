// A mutable working copy of a case plus its fuel meter. Engine functions copy the caller's case into
// a Draft, change only the draft, and hand it back only when the whole step succeeded, so a failed
// step leaves no partial state anywhere.
import type { CaseState, WorkflowEvent } from './types.js';
import { FUEL, LIMITS } from './limits.js';

/** Tokens on a place. Own-property lookup: a place named like an Object.prototype key reads as 0. */
export function tokensAt(c: CaseState, place: string): number {
  return Object.hasOwn(c.marking, place) ? c.marking[place] : 0;
}

export function totalTokens(c: CaseState): number {
  let sum = 0;
  for (const place of Object.keys(c.marking)) sum += c.marking[place];
  return sum;
}

export function copyCase(c: CaseState): CaseState {
  const orJoins: CaseState['orJoins'] = {};
  for (const k of Object.keys(c.orJoins)) orJoins[k] = [...c.orJoins[k]];
  const discriminators: CaseState['discriminators'] = {};
  for (const k of Object.keys(c.discriminators)) discriminators[k] = [...c.discriminators[k]];
  const instances: CaseState['instances'] = {};
  for (const k of Object.keys(c.instances)) instances[k] = { completed: c.instances[k].completed, total: c.instances[k].total };
  return { id: c.id, workflow: c.workflow, status: c.status, marking: { ...c.marking }, orJoins, discriminators, instances, steps: c.steps };
}

/** Thrown only inside a step and caught at its boundary (engine.ts): the step's draft is discarded. */
export class StepFailure extends Error {}

export class Draft {
  readonly c: CaseState;
  readonly events: WorkflowEvent[] = [];
  fuelUsed = 0;
  /** totalTokens(this.c), kept current by take/put/clear so the token bound costs O(1) per put. */
  private tokens: number;

  constructor(original: CaseState, readonly maxFuel: number) {
    this.c = copyCase(original);
    this.tokens = totalTokens(this.c);
  }

  get tokenCount(): number {
    return this.tokens;
  }

  charge(amount: number): void {
    this.fuelUsed += amount;
    if (this.fuelUsed > this.maxFuel) throw new StepFailure(`out of fuel: the step needs more than ${this.maxFuel}`);
  }

  take(place: string): void {
    const n = tokensAt(this.c, place);
    if (n <= 0) throw new Error(`workflow engine bug: no token to take on "${place}"`);
    this.charge(FUEL.token);
    if (n === 1) delete this.c.marking[place];
    else this.c.marking[place] = n - 1;
    this.tokens -= 1;
  }

  put(place: string): void {
    this.charge(FUEL.token);
    if (this.tokens >= LIMITS.tokensMax) throw new StepFailure(`case "${this.c.id}" would hold more than ${LIMITS.tokensMax} tokens`);
    this.c.marking[place] = tokensAt(this.c, place) + 1;
    this.tokens += 1;
  }

  /** Remove every token on a place (cancellation); returns how many were removed. */
  clear(place: string): number {
    const n = tokensAt(this.c, place);
    if (n > 0) {
      this.charge(FUEL.cleanup * n);
      delete this.c.marking[place];
      this.tokens -= n;
    }
    return n;
  }
}
