// Forwarding (forwardCommands, the default): a command given to any replica reaches a leader that
// can still propose it, so a quiet cluster commits it without waiting for a view timeout.
import { strict as assert } from 'node:assert';
import { Replica } from '../../consensus/replica.js';
import type { Effect } from '../../consensus/types.js';
import { Cluster, fakeCrypto, testConfig } from './harness.js';

function noTimeouts(c: Cluster): boolean {
  return !c.effects.flat().some((e) => e.type === 'broadcast' && e.message.type === 'timeout');
}

describe('command forwarding', () => {
  it('commands trickling into non-leaders commit without any view timeout', () => {
    const c = new Cluster(4);
    c.start();
    let seq = 0;
    for (let t = 0; t < 40; t += 3) {
      c.run(t);
      for (let i = 0; i < 4; i++) if (i !== c.replicas[i].view % 4) c.submit(i, `client${i}`, ++seq);
    }
    c.run(99); // well before the first view timeout (100 ms)
    c.assertAgreement();
    assert.equal(noTimeouts(c), true);
    for (let i = 0; i < 4; i++) assert.equal(c.committedCommands(i).length, seq, `replica ${i}`);
  });

  it('a command forwarded to a leader that already proposed in its view still commits without a timeout', () => {
    const c = new Cluster(7);
    c.start();
    c.submit(0, 'a', 1);
    c.run(1); // leader 1 has proposed a's command in view 1
    assert.equal(c.replicas[1].view, 1);
    c.submit(5, 'b', 1); // replica 5 forwards to leader 1, which cannot propose again in view 1
    c.run(99);
    assert.equal(noTimeouts(c), true, 'no view timed out');
    for (let i = 0; i < 7; i++) assert.deepEqual(c.committedCommands(i), ['a#1', 'b#1'], `replica ${i}`);
  });

  it("a client's retry of a command still pending here is forwarded again to the current and next leaders", () => {
    // Before: the retry was dropped as a duplicate and forwarded nowhere, so a command that had
    // reached only leaders whose views were over waited for one of those replicas to lead again.
    const r = new Replica(testConfig(16, 3), fakeCrypto(3));
    r.step({ type: 'start' });
    const command = { client: 'c', seq: 1, bytes: new TextEncoder().encode('c#1') };
    const forwardsTo = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' && e.message.type === 'forward' ? [e.to] : []));
    const leaders = [r.view % 16, (r.view + 1) % 16];
    assert.deepEqual(forwardsTo(r.step({ type: 'clientCommand', command })), leaders, 'first submission');
    const retry = r.step({ type: 'clientCommand', command });
    assert.deepEqual(forwardsTo(retry), leaders, 'the retry is forwarded again');
    assert.ok(retry.some((e) => e.type === 'dropped' && e.reason === 'duplicate'), 'and still counted as a duplicate here');
    // A peer's forward of a command this replica already holds is not passed on (no forwarding loops).
    assert.deepEqual(forwardsTo(r.step({ type: 'message', from: 5, message: { type: 'forward', commands: [command] } })), []);
  });
});
