// Which outgoing branches a completing task takes, from its split kind and the caller's choices.
// A bad choice is a StepFailure with a reason naming the task and the valid branches.
import type { CompiledBranch, CompiledTask } from './types.js';
import { StepFailure } from './draft.js';

export function chooseBranches(t: CompiledTask, choices: readonly string[]): CompiledBranch[] {
  const targets = t.branches.map((b) => b.to);
  const listed = targets.map((to) => `"${to}"`).join(', ');
  for (const choice of choices) {
    if (typeof choice !== 'string' || !targets.includes(choice)) {
      throw new StepFailure(`task "${t.id}" has no branch ${safeName(choice)} (branches: ${listed})`);
    }
  }
  if (new Set(choices).size !== choices.length) throw new StepFailure(`task "${t.id}": a branch is chosen twice`);
  switch (t.split) {
    case 'and':
      if (choices.length > 0) throw new StepFailure(`task "${t.id}" is an AND split: it takes every branch, choices do not apply`);
      return [...t.branches];
    case 'xor': {
      if (choices.length > 1) throw new StepFailure(`task "${t.id}" is an XOR split: choose exactly one of ${listed}`);
      if (choices.length === 1) return t.branches.filter((b) => b.to === choices[0]);
      if (t.branches.length === 1) return [...t.branches];
      const fallback = t.branches.filter((b) => b.isDefault);
      if (fallback.length === 0) throw new StepFailure(`task "${t.id}" is an XOR split with no default: choose exactly one of ${listed}`);
      return fallback;
    }
    case 'or': {
      if (choices.length > 0) return t.branches.filter((b) => choices.includes(b.to));
      const fallback = t.branches.filter((b) => b.isDefault);
      if (fallback.length === 0) throw new StepFailure(`task "${t.id}" is an OR split with no default: choose at least one of ${listed}`);
      return fallback;
    }
    default:
      return assertNever(t.split);
  }
}

/** A bounded, printable form of an untrusted name for error messages. */
export function safeName(v: unknown): string {
  if (typeof v !== 'string') return `(${typeof v})`;
  return JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v);
}

function assertNever(x: never): never {
  throw new Error(`workflow engine bug: unhandled split kind ${String(x)}`);
}
