// Maps fault-plan behaviour names to effect rewriters. 'twins' is not a rewriter: the cluster runs
// two cores with one identity and splits the network between them (sim/cluster.ts).
import type { ByzantineBehaviour } from '../faults.js';
import type { Behaviour } from './core.js';
import { equivocate } from './equivocate.js';
import { badVote, doubleVote, withholdVotes } from './votes.js';
import { garbage } from './garbage.js';
import { fork } from './fork.js';

export const behaviourFor: Record<Exclude<ByzantineBehaviour, 'twins'>, Behaviour> = {
  equivocate,
  doublevote: doubleVote,
  badvote: badVote,
  withhold: withholdVotes,
  garbage,
  fork,
};

export function behavioursOf(names: readonly ByzantineBehaviour[]): Behaviour[] {
  const out: Behaviour[] = [];
  for (const n of names) if (n !== 'twins') out.push(behaviourFor[n]);
  return out;
}
export { ByzantineCore, type Core, type ByzantineContext } from './core.js';
