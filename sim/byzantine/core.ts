// Byzantine replicas wrap the honest core (relab/hotstuff style): the honest Replica still runs and
// keeps the wrapper's view of the protocol current, and each behaviour rewrites the effects it
// emits — adding lies, dropping votes, splitting a broadcast. A wrapper holds only its own signer,
// so whatever it invents carries its own signature or a wrong one, never an honest replica's.
import type { Effect, Input, ReplicaId } from '../../consensus/types.js';
import type { SignFn } from '../keys.js';
import type { Prng } from '../prng.js';

/** What a driver steps: the honest Replica, or a Byzantine wrapper around one. */
export interface Core {
  step(input: Input): Effect[];
}

export interface ByzantineContext {
  self: ReplicaId;
  n: number;
  /** This replica's own signing key (its Twin shares it); nobody else's. */
  sign: SignFn;
  prng: Prng;
}

/** One behaviour: rewrites the effects of one honest step. */
export type Behaviour = (effects: Effect[], input: Input, ctx: ByzantineContext) => Effect[];

export class ByzantineCore implements Core {
  constructor(
    private readonly inner: Core,
    private readonly ctx: ByzantineContext,
    private readonly behaviours: Behaviour[],
  ) {}

  step(input: Input): Effect[] {
    let effects = this.inner.step(input);
    for (const b of this.behaviours) effects = b(effects, input, this.ctx);
    return effects;
  }
}

/** Peers other than self, in id order. */
export function peersOf(ctx: ByzantineContext): ReplicaId[] {
  const out: ReplicaId[] = [];
  for (let i = 0; i < ctx.n; i++) if (i !== ctx.self) out.push(i);
  return out;
}
