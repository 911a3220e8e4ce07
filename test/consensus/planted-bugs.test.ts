// Each test-only broken rule (ConsensusConfig.unsafeTestOnly) is shown to break agreement in a
// scripted scenario, and the same scenario with the honest rules stays safe. These scenarios are
// the ones a random simulator search has to stumble on; here they are written down.
import { strict as assert } from 'node:assert';
import { genesisQc, makeBlock } from '../../consensus/block.js';
import { proposalBytes, voteBytes } from '../../consensus/signing.js';
import { Cluster, fakeCrypto } from './harness.js';
import type { Effect, UnsafeTestOnly } from '../../consensus/types.js';

function agrees(c: Cluster): boolean {
  try {
    c.assertAgreement();
    return true;
  } catch {
    return false;
  }
}

/**
 * Leader 2 forms QC(1) and only it learns of it (everything it sends is lost for a while). The
 * others time out through views 1 and 2, and leader 3 extends genesis again with TC(2).
 */
function lostQcScenario(unsafe: UnsafeTestOnly): Cluster {
  const c = new Cluster(4, { unsafeTestOnly: unsafe });
  c.filter = (from, _to, _m, now) => !(from === 2 && now >= 1 && now < 2_000);
  c.start();
  for (let i = 0; i < 4; i++) c.submit(i, 'client', 1);
  c.run(1_500);
  return c;
}

/**
 * Replica 3 is cut off; it still forms QC(2) and commits B1 by the 2-chain rule. The others time
 * out in view 3 holding QC(1), and the Byzantine leader of view 4 (replica 0) proposes a fork on
 * genesis with TC(3), below the QC(1) that TC proves is locked.
 */
function forkingLeaderScenario(unsafe: UnsafeTestOnly): Cluster {
  const c = new Cluster(4, { unsafeTestOnly: unsafe });
  c.filter = (from) => from !== 3;
  const honest = c.replicas[0].step.bind(c.replicas[0]);
  c.replicas[0].step = (input) =>
    honest(input).flatMap((e): Effect[] => {
      if (e.type !== 'broadcast' || e.message.type !== 'proposal' || e.message.tc === null || e.message.block.view !== 4) return [e];
      const fork = makeBlock({ view: 4, justify: genesisQc(), proposer: 0, commands: e.message.block.commands, executed: null });
      const sign = fakeCrypto(0).sign;
      return [
        // (The harness checks persist-before-send even for the Byzantine replica.)
        { type: 'persist', safety: { ...c.replicas[0].safety, highestVotedView: 4 } },
        { type: 'broadcast', message: { type: 'proposal', block: fork, tc: e.message.tc, signature: sign(proposalBytes(4, fork.hash)) } },
        { type: 'send', to: 1, message: { type: 'vote', vote: { view: 4, height: fork.height, blockHash: fork.hash, voter: 0, signature: sign(voteBytes(4, fork.height, fork.hash)) } } },
      ];
    });
  c.start();
  for (let s = 1; s <= 3; s++) for (let i = 0; i < 4; i++) c.submit(i, 'client', s);
  c.run(3_000);
  return c;
}

describe('planted bugs are caught', () => {
  it('commitOnOneChain: a block committed on a lone QC is forked away after a timeout', () => {
    const broken = lostQcScenario({ commitOnOneChain: true });
    assert.equal(agrees(broken), false, 'conflicting commits with the 1-chain rule');
    const honest = lostQcScenario({});
    assert.equal(agrees(honest), true);
    assert.ok(honest.committed[0].length > 0, 'the honest run makes progress in the same scenario');
  });

  it('skipLockCheck: a forking leader orphans a committed block after a timeout', () => {
    const broken = forkingLeaderScenario({ skipLockCheck: true });
    assert.ok(broken.committed[3].length > 0, 'replica 3 committed B1');
    assert.equal(agrees(broken), false, 'conflicting commits without the lock check');
    const honest = forkingLeaderScenario({});
    assert.equal(agrees(honest), true);
    const refused = honest.effects[1].some((e) => e.type === 'dropped' && e.reason === 'unsafe' && e.detail === 'lockViolated');
    assert.ok(refused, 'honest replicas refuse the fork with lockViolated');
  });
});
