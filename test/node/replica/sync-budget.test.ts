import assert from 'node:assert/strict';
import { SyncBudget } from '../../../node/replica/sync-budget.js';

describe('sync budget (what one validator may ask of this replica)', () => {
  it('answers at most maxInFlightPerPeer requests of one peer at once; other peers are not affected', () => {
    const b = new SyncBudget({ maxInFlightPerPeer: 2, now: () => 0 });
    assert.equal(b.admit(1, 'blocksRequest'), null);
    assert.equal(b.admit(1, 'statusRequest'), null);
    assert.match(b.admit(1, 'blocksRequest') ?? '', /^busy: 2 sync requests/);
    assert.equal(b.admit(2, 'blocksRequest'), null, 'another peer');
    b.done(1);
    assert.equal(b.admit(1, 'blocksRequest'), null, 'room again once one is answered');
  });

  it('serves one snapshot request per peer per snapshotEveryMs and says when to retry', () => {
    let t = 1_000;
    const b = new SyncBudget({ snapshotEveryMs: 5_000, now: () => t });
    assert.equal(b.admit(3, 'snapshotRequest'), null);
    b.done(3);
    t += 1_200;
    assert.equal(b.admit(3, 'snapshotRequest'), 'snapshot rate-limited: one per 5 s per peer; retry in 4 s');
    assert.equal(b.admit(0, 'snapshotRequest'), null, 'another peer');
    assert.equal(b.admit(3, 'blocksRequest'), null, 'blocks are still served');
    b.done(3);
    t += 3_800;
    assert.equal(b.admit(3, 'snapshotRequest'), null, 'after the interval');
  });

  it('a refused request does not take a slot', () => {
    const b = new SyncBudget({ maxInFlightPerPeer: 1, snapshotEveryMs: 10_000, now: () => 0 });
    assert.equal(b.admit(1, 'snapshotRequest'), null);
    b.done(1);
    for (let i = 0; i < 5; i++) assert.notEqual(b.admit(1, 'snapshotRequest'), null);
    assert.equal(b.admit(1, 'statusRequest'), null);
  });
});
