// Bad input from peers or clients is dropped with a reason — never thrown, never half-applied.
import { strict as assert } from 'node:assert';
import { Replica } from '../../consensus/replica.js';
import { genesisQc, makeBlock } from '../../consensus/block.js';
import { proposalBytes, timeoutBytes, voteBytes } from '../../consensus/signing.js';
import { Cluster, fakeCrypto, testConfig } from './harness.js';
import type { Effect, Message, ReplicaId } from '../../consensus/types.js';

function fresh(self: ReplicaId = 0): Replica {
  const r = new Replica(testConfig(4, self), fakeCrypto(self));
  r.step({ type: 'start' });
  return r;
}

/** Feed `m` from `from`; assert it was dropped with `reason` and nothing else happened. */
function expectDropped(m: unknown, from: number, reason: string, r: Replica = fresh()): void {
  const before = JSON.stringify({ view: r.view, safety: r.safety, h: r.committedHeight }, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
  const effects = r.step({ type: 'message', from, message: m as Message });
  const drops = effects.filter((e) => e.type === 'dropped');
  assert.equal(drops.length, 1, `one drop expected, got ${JSON.stringify(effects.map((e) => e.type))}`);
  assert.equal((drops[0] as Extract<Effect, { type: 'dropped' }>).reason, reason);
  assert.deepEqual(effects.filter((e) => e.type !== 'dropped' && e.type !== 'report'), [], 'no other effect');
  const after = JSON.stringify({ view: r.view, safety: r.safety, h: r.committedHeight }, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
  assert.equal(after, before, 'state unchanged');
}

const leader1Block = () => makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: [{ client: 'c', seq: 1, bytes: Uint8Array.of(1) }], executed: null });
const proposal = (block = leader1Block(), signer = block.proposer): Message => ({ type: 'proposal', block, tc: null, signature: fakeCrypto(signer).sign(proposalBytes(block.view, block.hash)) });

describe('invalid input is dropped, not thrown', () => {
  it('unknown or self sender', () => {
    expectDropped(proposal(), 7, 'unknownSender');
    expectDropped(proposal(), -1, 'unknownSender');
    expectDropped(proposal(), 0, 'unknownSender');
  });
  it('malformed shapes', () => {
    for (const m of [null, 42, {}, { type: 'nope' }, { type: 'proposal', block: null, tc: null, signature: Uint8Array.of(1) }, { type: 'vote', vote: { view: '1' } },
      { type: 'timeout', timeout: null, lastTc: null }, { type: 'syncRequest', blockHash: new Uint8Array(31), maxBlocks: 1 }, { type: 'forward', commands: [{ client: '', seq: 1, bytes: Uint8Array.of() }] }]) {
      expectDropped(m, 1, 'malformed');
    }
    const b = leader1Block();
    expectDropped({ ...proposal(), block: { ...b, hash: b.hash.subarray(0, 31) } }, 1, 'malformed');
    expectDropped({ ...proposal(), block: { ...b, view: -1 } }, 1, 'malformed');
    expectDropped({ ...proposal(), block: { ...b, commands: [{ client: 'c', seq: 1.5, bytes: Uint8Array.of() }] } }, 1, 'malformed');
  });
  it('oversized batches', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ client: 'c', seq: i, bytes: Uint8Array.of(1) }));
    const block = makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: many, executed: null });
    expectDropped(proposal(block), 1, 'oversized');
  });
  it('wrong proposer, bad hash, bad signature', () => {
    expectDropped(proposal(leader1Block()), 2, 'wrongProposer');
    const b = leader1Block();
    expectDropped(proposal({ ...b, commands: [{ client: 'c', seq: 2, bytes: Uint8Array.of(1) }] }), 1, 'badHash');
    expectDropped(proposal(b, 2), 1, 'badSignature');
  });
  it('a forged justify QC or a missing TC', () => {
    const forgedQc = { view: 1, height: 1, blockHash: leader1Block().hash, votes: [0, 1, 3].map((v) => ({ voter: v, signature: new Uint8Array(32) })) };
    const b2 = makeBlock({ view: 2, justify: forgedQc, proposer: 2, commands: [], executed: null });
    expectDropped(proposal(b2), 2, 'badCertificate');
    const b3 = makeBlock({ view: 3, justify: genesisQc(), proposer: 3, commands: [], executed: null });
    expectDropped(proposal(b3), 3, 'badCertificate');
  });
  it('votes: bad signature, relayed, for a view we do not lead next', () => {
    const vote = (voter: number, view: number) => ({ type: 'vote', vote: { view, height: 1, blockHash: leader1Block().hash, voter, signature: fakeCrypto(voter).sign(voteBytes(view, 1, leader1Block().hash)) } });
    // Replica 0 leads view 4, so it collects votes of view 3.
    expectDropped({ type: 'vote', vote: { ...(vote(1, 3).vote), signature: new Uint8Array(32) } }, 1, 'badSignature');
    expectDropped(vote(2, 3), 1, 'malformed');
    expectDropped(vote(1, 1), 1, 'notLeader');
    expectDropped(vote(1, 5000), 1, 'futureView');
  });
  it('timeouts with a bad signature or a highQc not below the view', () => {
    const t = { view: 1, highQc: genesisQc(), voter: 1, signature: fakeCrypto(1).sign(timeoutBytes(1, 0)) };
    expectDropped({ type: 'timeout', timeout: { ...t, signature: new Uint8Array(32) }, lastTc: null }, 1, 'badSignature');
    expectDropped({ type: 'timeout', timeout: { ...t, view: 0 }, lastTc: null }, 1, 'malformed');
  });
  it('an unrequested sync response', () => {
    expectDropped({ type: 'syncResponse', blocks: [leader1Block()] }, 1, 'malformed');
  });
  it('bad client commands', () => {
    const r = fresh(1);
    const eff = r.step({ type: 'clientCommand', command: { client: 'x', seq: 1, bytes: new Uint8Array(70_000) } });
    assert.deepEqual(eff.map((e) => e.type), ['dropped']);
    const eff2 = r.step({ type: 'clientCommand', command: { client: 'x', seq: -1, bytes: Uint8Array.of() } });
    assert.deepEqual(eff2.map((e) => e.type), ['dropped']);
  });

  it('fuzz: randomly mutated real messages never make step() throw', () => {
    const c = new Cluster(4);
    const recorded: { from: number; message: Message }[] = [];
    c.filter = (from, _to, message) => {
      if (recorded.length < 400) recorded.push({ from, message });
      return true;
    };
    c.start();
    for (let s = 1; s <= 20; s++) c.submit(s % 4, 'client', s);
    c.run(10_000);
    let x = 99;
    const rand = (k: number): number => (x = (x * 1103515245 + 12345) & 0x7fffffff) % k;
    const junk: unknown[] = [null, -1, 2 ** 60, 'x', new Uint8Array(0), new Uint8Array(33), [], {}, 1.5, true];
    const mutate = (v: unknown, depth: number): unknown => {
      if (depth > 0 && v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
        const copy: Record<string, unknown> = Array.isArray(v) ? ([...v] as unknown as Record<string, unknown>) : { ...(v as Record<string, unknown>) };
        const keys = Object.keys(copy);
        if (keys.length > 0) {
          const k = keys[rand(keys.length)];
          copy[k] = rand(3) === 0 ? junk[rand(junk.length)] : mutate(copy[k], depth - 1);
        }
        return copy;
      }
      if (v instanceof Uint8Array && v.length > 0) {
        const b = Uint8Array.from(v);
        b[rand(b.length)] ^= 1 + rand(255);
        return b;
      }
      if (typeof v === 'number') return v + 1 + rand(3);
      return junk[rand(junk.length)];
    };
    const target = c.replicas[0];
    for (let i = 0; i < 3000; i++) {
      const { from, message } = recorded[rand(recorded.length)];
      const m = mutate(message, 4) as Message;
      assert.doesNotThrow(() => target.step({ type: 'message', from: rand(5) === 0 ? rand(6) : from, message: m }));
    }
  });
});

describe('equivocation evidence', () => {
  it('a second, different proposal of the leader in one view is reported and dropped', () => {
    const r = fresh(0);
    const a = leader1Block();
    const b = makeBlock({ view: 1, justify: genesisQc(), proposer: 1, commands: [{ client: 'c', seq: 2, bytes: Uint8Array.of(1) }], executed: null });
    const first = r.step({ type: 'message', from: 1, message: proposal(a) });
    assert.ok(first.some((e) => e.type === 'send' && e.message.type === 'vote'), 'votes for the first');
    const second = r.step({ type: 'message', from: 1, message: proposal(b) });
    assert.ok(second.some((e) => e.type === 'report' && e.kind === 'equivocation'));
    assert.ok(second.some((e) => e.type === 'dropped' && e.reason === 'conflict'));
    assert.ok(!second.some((e) => e.type === 'send' || e.type === 'persist'), 'no second vote');
  });
  it('two votes of one replica for different blocks in one view are reported', () => {
    const r = fresh(2); // leader of view 2 collects votes of view 1
    const vote = (h: Uint8Array) => ({ type: 'vote' as const, vote: { view: 1, height: 1, blockHash: h, voter: 3, signature: fakeCrypto(3).sign(voteBytes(1, 1, h)) } });
    r.step({ type: 'message', from: 3, message: vote(new Uint8Array(32).fill(1)) });
    const eff = r.step({ type: 'message', from: 3, message: vote(new Uint8Array(32).fill(2)) });
    assert.ok(eff.some((e) => e.type === 'report' && e.kind === 'equivocation'));
  });
});
