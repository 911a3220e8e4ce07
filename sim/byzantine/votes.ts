// Vote misbehaviour: double voting, votes for blocks that do not exist or are invalid, and
// withholding votes. Each is validly signed by the Byzantine replica's own key (so it is the
// protocol's rules, not a signature check, that must neutralise it).
import type { Effect, Message, Vote } from '../../consensus/types.js';
import { voteBytes } from '../../consensus/signing.js';
import { hashTagged } from '../../crypto/hash.js';
import { peersOf, type Behaviour, type ByzantineContext } from './core.js';

function fabricatedVote(ctx: ByzantineContext, view: number, height: number, salt: Uint8Array): Vote {
  const blockHash = hashTagged('knhk/sim/fabricated-block', salt);
  return { view, height, blockHash, voter: ctx.self, signature: ctx.sign(voteBytes(view, height, blockHash)) };
}

/** Double voting: every vote it casts is followed by a second vote in the same view for another block. */
export const doubleVote: Behaviour = (effects, _input, ctx) => {
  const out: Effect[] = [];
  for (const e of effects) {
    out.push(e);
    if (e.type === 'send' && e.message.type === 'vote') {
      const v = e.message.vote;
      out.push({ type: 'send', to: e.to, message: { type: 'vote', vote: fabricatedVote(ctx, v.view, v.height, ctx.prng.bytes(8)) } });
    }
  }
  return out;
};

/**
 * Votes for invalid blocks: whenever it receives a proposal it votes, to everyone, for a block of
 * that view it never validated (a hash nobody holds) and for a block one height too high.
 */
export const badVote: Behaviour = (effects, input, ctx) => {
  // Garbage from another Byzantine replica may reach us too: look before touching.
  if (input.type !== 'message' || input.message === null || typeof input.message !== 'object' || input.message.type !== 'proposal') return effects;
  const b = input.message.block;
  if (b === null || typeof b !== 'object' || typeof b.view !== 'number' || typeof b.height !== 'number') return effects;
  const out = [...effects];
  const lies: Message[] = [
    { type: 'vote', vote: fabricatedVote(ctx, b.view, b.height, ctx.prng.bytes(8)) },
    { type: 'vote', vote: { ...fabricatedVote(ctx, b.view, b.height + 1, ctx.prng.bytes(8)) } },
  ];
  for (const peer of peersOf(ctx)) for (const m of lies) out.push({ type: 'send', to: peer, message: m });
  return out;
};

/** Withholding: it never lets a vote leave. */
export const withholdVotes: Behaviour = (effects) => effects.filter((e) => !((e.type === 'send' || e.type === 'broadcast') && e.message.type === 'vote'));
