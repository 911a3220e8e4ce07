// Equivocating leader: for each of its proposals it builds a second, conflicting block for the same
// view (an extra fabricated command makes the hash differ even for an empty batch), signs both, and
// sends one block to half of its peers, the other to the rest, and both to one peer. Safety must
// survive this with n = 3f+1: the two blocks may not both gather a quorum, nor conflicting commits.
import type { Command, Effect } from '../../consensus/types.js';
import { makeBlock } from '../../consensus/block.js';
import { proposalBytes } from '../../consensus/signing.js';
import { peersOf, type Behaviour } from './core.js';

export const equivocate: Behaviour = (effects, _input, ctx) => {
  const out: Effect[] = [];
  for (const e of effects) {
    if (e.type !== 'broadcast' || e.message.type !== 'proposal' || e.message.block.proposer !== ctx.self) {
      out.push(e);
      continue;
    }
    const a = e.message.block;
    const fabricated: Command = { client: 'byzantine', seq: a.view, bytes: ctx.prng.bytes(16) };
    const b = makeBlock({ view: a.view, justify: a.justify, proposer: a.proposer, commands: [...a.commands.slice(1), fabricated], executed: a.executed });
    const other = { type: 'proposal' as const, block: b, tc: e.message.tc, signature: ctx.sign(proposalBytes(b.view, b.hash)) };
    // Half the peers get one block, half the other, and one peer gets both (A first): a correct
    // replica votes once per view, so only the double-vote rule stops two quorums forming.
    const peers = peersOf(ctx);
    const both = peers[a.view % peers.length];
    for (const peer of peers) {
      if (peer === both) {
        out.push({ type: 'send', to: peer, message: e.message }, { type: 'send', to: peer, message: other });
      } else {
        out.push({ type: 'send', to: peer, message: (peer + a.view) % 2 === 0 ? e.message : other });
      }
    }
  }
  return out;
};
