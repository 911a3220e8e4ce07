// The leader's batching wait (ConsensusConfig.proposeWaitMs, consensus/propose-wait.ts): bigger
// blocks while commands flow, no wait on an idle chain, stale or unarmed wait timers change nothing,
// and the bound is validated.
import { strict as assert } from 'node:assert';
import { Replica } from '../../consensus/replica.js';
import { Cluster, fakeCrypto, testConfig } from './harness.js';
import type { Effect } from '../../consensus/types.js';

/** One command every `everyMs` from t=0 to `untilMs`, handed to every replica (as node/ does); runs to `endMs`. */
function steadyFlow(waitMs: number, everyMs: number, untilMs: number, endMs: number): Cluster {
  const c = new Cluster(4, { proposeWaitMs: waitMs, forwardCommands: false });
  c.start();
  let seq = 0;
  for (let t = 0; t <= untilMs; t += everyMs) {
    c.run(t);
    seq++;
    for (let r = 0; r < 4; r++) c.submit(r, `client${seq % 7}`, seq);
  }
  c.run(endMs);
  return c;
}

const waitTimers = (effects: Effect[]) => effects.filter((e) => e.type === 'setTimer' && e.kind === 'proposeWait').length;
const timeouts = (effects: Effect[]) => effects.filter((e) => e.type === 'broadcast' && e.message.type === 'timeout').length;
const withCommands = (c: Cluster) => c.committed[0].filter((b) => b.commands.length > 0).length;

describe('consensus: proposer batching wait', () => {
  it('commits everything in fewer, larger blocks while commands flow, with no view timeout', () => {
    // Ends 20 ms after the last command: the chain has not gone idle yet (an idle chain's views
    // end by timeout, with or without the wait), so any timeout here would be the wait's doing.
    const off = steadyFlow(0, 1, 300, 320);
    const on = steadyFlow(8, 1, 300, 320);
    for (const c of [off, on]) assert.equal(c.effects.reduce((n, e) => n + timeouts(e), 0), 0);
    for (const c of [off, on]) {
      c.run(2_000);
      c.assertAgreement();
      for (let i = 0; i < 4; i++) {
        assert.equal(c.committedCommands(i).length, 301);
        assert.equal(new Set(c.committedCommands(i)).size, 301);
      }
    }
    assert.equal(off.effects.reduce((n, e) => n + waitTimers(e), 0), 0);
    assert.ok(on.effects.reduce((n, e) => n + waitTimers(e), 0) > 0);
    assert.ok(withCommands(on) < withCommands(off), `blocks with commands: on ${withCommands(on)}, off ${withCommands(off)}`);
  });

  it('a full batch is proposed without waiting for the timer', () => {
    // 3 commands per ms against a batch of 2: a full batch is always pending, so no wait is ever armed.
    const c = new Cluster(4, { proposeWaitMs: 20, forwardCommands: false, maxBatchCommands: 2 });
    c.start();
    let seq = 0;
    for (let t = 0; t <= 100; t++) {
      c.run(t);
      for (let k = 0; k < 3; k++) {
        seq++;
        for (let r = 0; r < 4; r++) c.submit(r, `client${seq % 5}`, seq);
      }
    }
    c.run(100);
    c.assertAgreement();
    const armedAfterStart = c.effects.reduce((n, e) => n + waitTimers(e), 0);
    assert.ok(armedAfterStart <= 2, `wait timers armed: ${armedAfterStart}`); // only while the first blocks were in flight
  });

  it('an idle chain does not wait: a lone command is proposed at once and the chain then rests', () => {
    const c = new Cluster(4, { proposeWaitMs: 40, forwardCommands: false });
    c.start();
    c.run(10);
    for (let r = 0; r < 4; r++) c.submit(r, 'lone', 1);
    c.run(1_000);
    c.assertAgreement();
    for (let i = 0; i < 4; i++) assert.deepEqual(c.committedCommands(i), ['lone#1']);
    const leader = c.replicas.findIndex((_, i) => c.effects[i].some((e) => e.type === 'broadcast' && e.message.type === 'proposal' && e.message.block.commands.length === 1));
    assert.ok(leader >= 0);
    // The first proposal had nothing in flight: proposed at once, so no wait timer before it.
    const fx = c.effects[leader];
    const first = fx.findIndex((e) => e.type === 'broadcast' && e.message.type === 'proposal');
    assert.equal(waitTimers(fx.slice(0, first)), 0);
  });

  it('a wait timer of another view, or one never armed, changes nothing (and is not a view timeout)', () => {
    const r = new Replica(testConfig(4, 1, { proposeWaitMs: 10 }), fakeCrypto(1));
    r.step({ type: 'start' });
    const view = r.view;
    for (const v of [view - 1, view, view + 1]) {
      assert.deepEqual(r.step({ type: 'timer', view: v, kind: 'proposeWait' }), []);
    }
    assert.equal(r.view, view);
    assert.equal(r.safety.highestVotedView, 0);
  });

  it('the wait is bounded: negative or above baseTimeoutMs / 2 is refused', () => {
    for (const proposeWaitMs of [-1, 51, Number.NaN]) {
      assert.throws(() => new Replica(testConfig(4, 0, { proposeWaitMs }), fakeCrypto(0)), /proposeWaitMs/);
    }
    new Replica(testConfig(4, 0, { proposeWaitMs: 50 }), fakeCrypto(0));
  });
});
