// View synchronisation: replicas left in different views (e.g. after restarts) find a common view
// again — by f+1 timeouts for a higher view, and by the TC a restarted replica kept.
import { strict as assert } from 'node:assert';
import { Replica } from '../../consensus/replica.js';
import { genesisQc } from '../../consensus/block.js';
import { timeoutBytes } from '../../consensus/signing.js';
import { Cluster, fakeCrypto, testConfig } from './harness.js';
import type { Effect, Message } from '../../consensus/types.js';

const timeoutFrom = (voter: number, view: number): Message => ({
  type: 'timeout',
  timeout: { view, highQc: genesisQc(), voter, signature: fakeCrypto(voter).sign(timeoutBytes(view, 0)) },
  lastTc: null,
});
const broadcastTimeouts = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'broadcast' && e.message.type === 'timeout' ? [e.message] : []));

describe('view synchronisation', () => {
  it('f+1 timeouts for a higher view move a replica there, and it times out too', () => {
    const r = new Replica(testConfig(7, 0), fakeCrypto(0)); // f = 2: join at 3 timeouts, TC at 5
    r.step({ type: 'start' });
    assert.equal(r.view, 1);
    for (const from of [1, 2]) {
      const effects = r.step({ type: 'message', from, message: timeoutFrom(from, 7) });
      assert.equal(r.view, 1, 'f timeouts (possibly all Byzantine) are not enough');
      assert.equal(broadcastTimeouts(effects).length, 0);
    }
    const two = r.step({ type: 'message', from: 3, message: timeoutFrom(3, 7) });
    assert.equal(r.view, 7);
    const sent = broadcastTimeouts(two);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].type === 'timeout' && sent[0].timeout.view, 7);
    assert.ok(two.findIndex((e) => e.type === 'persist') < two.findIndex((e) => e.type === 'broadcast'), 'persist before the timeout leaves');
  });

  it('a restarted replica keeps the TC of its view and attaches it to its timeouts', () => {
    const c = new Cluster(4);
    c.crashed.add(1); // views led by 1 end by timeout
    c.start();
    c.run(1_000);
    const persisted = c.persisted[2];
    assert.ok(persisted?.lastTc, 'the persisted safety state carries a TC');
    c.restart(2);
    const r = c.replicas[2];
    assert.equal(r.view, persisted.lastTc.view + 1);
    const effects = r.step({ type: 'timer', view: r.view });
    const sent = broadcastTimeouts(effects);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].type === 'timeout' && sent[0].lastTc?.view, r.view - 1);
  });
});
