// Garbage sender: alongside some of its messages it sends malformed ones — wrong field types,
// truncated structures, unknown message types, random signatures, wrong block hashes, oversized
// batches. The receiving core must drop each with a reason (a `dropped` effect) and never throw or
// change state; the driver counts what was dropped.
import type { Effect, Message } from '../../consensus/types.js';
import { peersOf, type Behaviour, type ByzantineContext } from './core.js';

/** Probability that an outgoing message is accompanied by a garbage message. */
const garbageP = 0.3;

function garbageFor(real: Message, ctx: ByzantineContext): Message {
  const p = ctx.prng;
  const choice = p.int(0, 6);
  // The casts are the point: a Byzantine peer controls every byte, so the core must survive values
  // that do not fit the Message type at all.
  switch (choice) {
    case 0:
      return { type: 'nonsense', payload: p.bytes(12) } as unknown as Message;
    case 1:
      return { type: 'vote', vote: { view: 'x', height: -1, blockHash: p.bytes(5), voter: 999, signature: new Uint8Array(0) } } as unknown as Message;
    case 2:
      return { type: 'proposal', block: p.bytes(40), tc: null, signature: p.bytes(32) } as unknown as Message;
    case 3:
      if (real.type === 'proposal') return { ...real, signature: p.bytes(real.signature.length || 32) };
      if (real.type === 'vote') return { type: 'vote', vote: { ...real.vote, signature: p.bytes(real.vote.signature.length || 32) } };
      return { type: 'timeout', timeout: null, lastTc: null } as unknown as Message;
    case 4:
      if (real.type === 'proposal') return { ...real, block: { ...real.block, hash: p.bytes(32) } };
      return { type: 'syncResponse', blocks: [null] } as unknown as Message;
    case 5:
      return { type: 'forward', commands: [{ client: 'x'.repeat(10), seq: 1, bytes: new Uint8Array(128 * 1024) }] };
    default:
      return null as unknown as Message;
  }
}

export const garbage: Behaviour = (effects, _input, ctx) => {
  const out: Effect[] = [];
  for (const e of effects) {
    out.push(e);
    if (e.type === 'send' && ctx.prng.chance(garbageP)) out.push({ type: 'send', to: e.to, message: garbageFor(e.message, ctx) });
    if (e.type === 'broadcast' && ctx.prng.chance(garbageP)) {
      for (const peer of peersOf(ctx)) out.push({ type: 'send', to: peer, message: garbageFor(e.message, ctx) });
    }
  }
  return out;
};
