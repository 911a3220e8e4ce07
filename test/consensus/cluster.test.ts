// End-to-end behaviour of the core with the in-test synchronous driver: 4 (and 7) replicas commit
// client commands, agree on every height, survive a crashed leader, and a restarted replica does
// not vote twice in a view.
import { strict as assert } from 'node:assert';
import { Cluster } from './harness.js';

describe('consensus cluster (in-test driver)', () => {
  it('4 replicas commit every submitted command exactly once, in the same order', () => {
    const c = new Cluster(4);
    c.start();
    for (let s = 1; s <= 30; s++) c.submit(s % 4, `client${s % 3}`, s);
    c.run(5_000);
    c.assertAgreement();
    for (let i = 0; i < 4; i++) {
      const cmds = c.committedCommands(i);
      assert.equal(cmds.length, 30, `replica ${i} committed ${cmds.length}`);
      assert.equal(new Set(cmds).size, 30, 'no command committed twice');
      assert.deepEqual(cmds, c.committedCommands(0));
    }
  });
});

describe('consensus cluster under faults (in-test driver)', () => {
  it('a crashed replica (leader of some views) does not stop the others: views advance by TC', () => {
    const c = new Cluster(4);
    c.crashed.add(2);
    c.start();
    for (let s = 1; s <= 20; s++) c.submit(s % 2, 'client', s);
    c.run(60_000);
    c.assertAgreement();
    for (const i of [0, 1, 3]) assert.equal(c.committedCommands(i).length, 20, `replica ${i}`);
    const tcs = c.effects[0].filter((e) => e.type === 'broadcast' && e.message.type === 'timeout');
    assert.ok(tcs.length > 0, 'some views ended by timeout');
  });

  it('7 replicas with 20% message loss stay in agreement and commit everything', () => {
    const c = new Cluster(7);
    let x = 12345;
    const rand = (): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    c.filter = () => rand() > 0.2;
    c.start();
    for (let s = 1; s <= 40; s++) c.submit(s % 7, `c${s % 5}`, s);
    c.run(600_000);
    c.assertAgreement();
    for (let i = 0; i < 7; i++) assert.equal(c.committedCommands(i).length, 40, `replica ${i}`);
  });

  it('a partitioned replica catches up by sync after the partition heals', () => {
    const c = new Cluster(4);
    c.filter = (from, to, _m, now) => now > 3_000 || (from !== 3 && to !== 3);
    c.start();
    for (let s = 1; s <= 20; s++) c.submit(s % 3, 'client', s);
    c.run(3_000);
    assert.equal(c.committedCommands(3).length, 0);
    for (let s = 21; s <= 30; s++) c.submit(s % 3, 'client', s);
    c.run(60_000);
    c.assertAgreement();
    assert.equal(c.committedCommands(3).length, 30);
  });

  it('a restarted replica never votes twice in a view it voted in before the crash', () => {
    const c = new Cluster(4);
    c.start();
    for (let s = 1; s <= 10; s++) c.submit(0, 'client', s);
    c.run(2_000);
    const votedBefore = c.persisted[1]?.highestVotedView ?? 0;
    assert.ok(votedBefore > 0);
    c.crashed.add(1);
    c.restart(1);
    assert.ok(c.replicas[1].view >= votedBefore, 'restarts in the last voted view or later');
    const effectsBefore = c.effects[1].length;
    for (let s = 11; s <= 20; s++) c.submit(0, 'client', s);
    c.run(60_000);
    const votes = c.effects[1].slice(effectsBefore).flatMap((e) => (e.type === 'send' && e.message.type === 'vote' ? [e.message.vote.view] : []));
    assert.ok(votes.length > 0, 'it votes again after the restart');
    assert.ok(votes.every((v) => v > votedBefore), `no vote in view <= ${votedBefore}: ${votes.join(',')}`);
    c.assertAgreement();
    assert.equal(c.committedCommands(0).length, 20);
  });

  it('a replica whose execution diverges refuses to vote and reports stateRootMismatch', () => {
    const c = new Cluster(4);
    const honestRoots = c.roots.bind(c);
    // Replica 3's "kernel" computes a different state root from height 2 on.
    const replicas = c.replicas;
    c.roots = (b) => honestRoots(b);
    const origStep = replicas[3].step.bind(replicas[3]);
    replicas[3].step = (input) => origStep(input.type === 'executed' && input.height >= 2 ? { ...input, stateRoot: new Uint8Array(32).fill(9) } : input);
    c.start();
    // Commands trickle in, so that many blocks (and proposals carrying roots of height >= 2) follow.
    for (let s = 1; s <= 20; s++) {
      c.submit(s % 4, 'client', s);
      c.run(c.now + 5);
    }
    c.run(60_000);
    const reports = c.effects[3].filter((e) => e.type === 'report' && e.kind === 'stateRootMismatch');
    assert.ok(reports.length > 0, 'mismatch reported');
    c.assertAgreement();
    assert.equal(c.committedCommands(0).length, 20, 'the three others still commit (quorum without replica 3)');
  });
});

describe('client retries', () => {
  it('a retried command that is already committed is reported as alreadyCommitted, not re-proposed', () => {
    const c = new Cluster(4);
    c.start();
    c.submit(1, 'client', 1);
    c.run(2_000);
    assert.deepEqual(c.committedCommands(1), ['client#1']);
    const effects = c.replicas[1].step({ type: 'clientCommand', command: { client: 'client', seq: 1, bytes: new TextEncoder().encode('client#1') } });
    assert.deepEqual(effects.map((e) => (e.type === 'dropped' ? e.reason : e.type)), ['alreadyCommitted']);
  });
});

describe('restart and replays', () => {
  it('a restarted leader that re-proposes an already committed command does not stall the cluster', () => {
    const c = new Cluster(4);
    c.start();
    c.submit(0, 'client', 1);
    c.run(2_000);
    assert.deepEqual(c.committedCommands(0), ['client#1']);
    c.crashed.add(2);
    c.restart(2);
    // The client retries seq 1 at the restarted replica (which lost its dedup history), then sends seq 2.
    const effectsBefore = c.effects.map((e) => e.length);
    c.submit(2, 'client', 1);
    for (let i = 0; i < 4; i++) c.submit(i, 'client', 2);
    c.run(30_000);
    c.assertAgreement();
    const refusals = c.effects.flatMap((list, i) => list.slice(effectsBefore[i])).filter((e) => e.type === 'dropped' && e.detail === 'block repeats a command');
    assert.equal(refusals.length, 0, 'no replica refuses the restarted leader\'s block');
    for (let i = 0; i < 4; i++) assert.ok(c.committedCommands(i).includes('client#2'), `replica ${i} committed seq 2`);
  });
});
