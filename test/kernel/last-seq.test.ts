// lastAcceptedSeq: the kernel's per-principal replay bound, read without consuming the state.
import assert from 'node:assert/strict';
import { applyBatch, forkState, lastAcceptedSeq, restoreState, snapshotState } from '../../kernel/api.js';
import { kvKernel } from './helpers.js';

describe('kernel lastAcceptedSeq', () => {
  it('follows accepted seqs only (not refused replays, not unknown principals) and survives a snapshot', () => {
    let s = kvKernel(['alice', 'bob']);
    assert.equal(lastAcceptedSeq(s, 'alice'), null, 'nothing accepted yet');
    s = applyBatch(s, [{ principal: 'alice', seq: 5, type: 'put', fields: { key: 'a', value: '1' } }], { height: 1 }).state;
    assert.equal(lastAcceptedSeq(s, 'alice'), 5);
    assert.equal(lastAcceptedSeq(s, 'bob'), null);
    // A seq is used up whatever the outcome: a denied/failed command still moves it (here: bad fields).
    s = applyBatch(s, [{ principal: 'bob', seq: 2, type: 'put', fields: {} }], { height: 2 }).state;
    assert.equal(lastAcceptedSeq(s, 'bob'), 2);
    // A replay is refused (kernel.replay) and does not move it; neither does an unknown principal.
    const r = applyBatch(
      s,
      [
        { principal: 'alice', seq: 4, type: 'put', fields: { key: 'a', value: 'old' } },
        { principal: 'mallory', seq: 9, type: 'put', fields: { key: 'a', value: 'x' } },
      ],
      { height: 3 },
    );
    assert.equal(r.receipts[0].ruleId, 'kernel.replay');
    s = r.state;
    assert.equal(lastAcceptedSeq(s, 'alice'), 5);
    assert.equal(lastAcceptedSeq(s, 'mallory'), null);
    // A pure read: the handle stays usable, and a restored snapshot answers the same.
    assert.equal(lastAcceptedSeq(s, 'alice'), 5);
    const restored = restoreState(snapshotState(forkState(s)));
    assert.equal(lastAcceptedSeq(restored, 'alice'), 5);
    assert.equal(lastAcceptedSeq(restored, 'bob'), 2);
  });

  it('refuses a consumed state handle like every other kernel read', () => {
    const s = kvKernel();
    applyBatch(s, [], { height: 1 });
    assert.throws(() => lastAcceptedSeq(s, 'alice'), { name: 'StaleStateError' });
  });
});
