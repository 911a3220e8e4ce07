import assert from 'node:assert/strict';
import { MIN_PATIENCE_MS, ProgressWatch } from '../../../node/replica/progress-watch.js';

describe('node/replica progress watch (how long a healthy view takes here)', () => {
  it('has no opinion until it has seen enough consecutive proposals', () => {
    const w = new ProgressWatch();
    for (let v = 1; v <= 8; v++) w.proposal(v, v * 20);
    assert.equal(w.patienceMs(), null, 'seven samples');
    w.proposal(9, 180);
    assert.equal(w.patienceMs(), 160, 'eight samples of 20 ms: 8 x p90');
  });

  it('samples only proposals of consecutive views: a failed view in between says nothing of the pace', () => {
    const w = new ProgressWatch();
    let t = 0;
    for (let v = 1; v < 40; v++) {
      // Every fourth view fails (no proposal): the next proposal comes a long timeout later.
      if (v % 4 === 0) {
        t += 1000;
        continue;
      }
      t += 30;
      w.proposal(v, t);
    }
    assert.equal(w.patienceMs(), 240, 'only the 30 ms intervals count');
  });

  it('ignores repeated or older views, and never goes below the floor', () => {
    const w = new ProgressWatch();
    for (let v = 1; v <= 20; v++) {
      w.proposal(v, v);
      w.proposal(v, v + 500); // the same view again (our own proposal seen twice): not a sample
      w.proposal(v - 1, v + 600);
    }
    assert.equal(w.patienceMs(), MIN_PATIENCE_MS);
  });

  it('follows a slower pace as healthy views teach it', () => {
    const w = new ProgressWatch();
    let t = 0;
    let v = 0;
    for (; v < 64; v++) w.proposal(v, (t += 10));
    assert.equal(w.patienceMs(), MIN_PATIENCE_MS);
    for (let i = 0; i < 64; i++, v++) w.proposal(v, (t += 200));
    assert.equal(w.patienceMs(), 1600);
  });
});
