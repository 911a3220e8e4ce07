// When an idle leader proposes: only with work to do — including when the parent's proposer lags
// behind the leader's commits (it missed a commit QC and needs a new 2-chain to catch up).
import { strict as assert } from 'node:assert';
import { Replica } from '../../consensus/replica.js';
import { genesisQc, makeBlock } from '../../consensus/block.js';
import { proposalBytes, voteBytes } from '../../consensus/signing.js';
import { fakeCrypto, testConfig } from './harness.js';
import type { Block, Effect, ExecutedRoots, QuorumCert } from '../../consensus/types.js';

const qcFor = (b: Block): QuorumCert => ({
  view: b.view,
  height: b.height,
  blockHash: b.hash,
  votes: [0, 2, 3].map((v) => ({ voter: v, signature: fakeCrypto(v).sign(voteBytes(b.view, b.height, b.hash)) })),
});
const roots = (b: Block): ExecutedRoots => ({ height: b.height, blockHash: b.hash, stateRoot: new Uint8Array(32).fill(b.height), receiptsRoot: new Uint8Array(32) });

// Replica 1 leads view 5 only; views 1..4 are led by the others.
const leaderOf = (view: number): number => (view % 5 === 0 ? 1 : [0, 2, 3][view % 3]);

/** Replica 1 (leader of view 5) sees blocks of views 1..4 and the votes for view 4; returns its effects. */
function leaderAfterChain(lastExecuted: (chain: Block[]) => ExecutedRoots | null): { effects: Effect[]; replica: Replica } {
  const r = new Replica(testConfig(4, 1, { leaderOf }), fakeCrypto(1));
  r.step({ type: 'start' });
  const chain: Block[] = [];
  const feed = (effects: Effect[]): void => {
    for (const e of effects) if (e.type === 'commit') feed(r.step({ type: 'executed', ...roots(e.block) }));
  };
  let justify = genesisQc();
  let effects: Effect[] = [];
  for (let view = 1; view <= 4; view++) {
    const proposer = leaderOf(view);
    const commands = view === 1 ? [{ client: 'c', seq: 1, bytes: Uint8Array.of(1) }] : [];
    const block = makeBlock({ view, justify, proposer, commands, executed: view === 4 ? lastExecuted(chain) : null });
    chain.push(block);
    feed(r.step({ type: 'message', from: proposer, message: { type: 'proposal', block, tc: null, signature: fakeCrypto(proposer).sign(proposalBytes(view, block.hash)) } }));
    justify = qcFor(block);
  }
  const b4 = chain[3];
  for (const voter of [0, 2]) {
    effects = r.step({ type: 'message', from: voter, message: { type: 'vote', vote: { view: 4, height: b4.height, blockHash: b4.hash, voter, signature: fakeCrypto(voter).sign(voteBytes(4, b4.height, b4.hash)) } } });
    feed(effects);
  }
  return { effects, replica: r };
}

const proposed = (effects: Effect[]) => effects.some((e) => e.type === 'broadcast' && e.message.type === 'proposal');

describe('proposer: when an idle leader extends the chain', () => {
  it('extends it when the parent proposer had executed far less than we committed', () => {
    const { effects, replica } = leaderAfterChain(() => null);
    assert.equal(replica.view, 5);
    assert.equal(replica.committedHeight, 3);
    assert.equal(proposed(effects), true);
  });
  it('stays quiet when the parent proposer is within the normal pipeline lag', () => {
    const { effects, replica } = leaderAfterChain((chain) => roots(chain[0]));
    assert.equal(replica.view, 5);
    assert.equal(replica.committedHeight, 3);
    assert.equal(proposed(effects), false);
  });
});
