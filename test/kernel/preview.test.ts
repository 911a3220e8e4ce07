import assert from 'node:assert/strict';
import { applyBatch, forkState, previewDecision, stateRoot, type KernelState } from '../../kernel/api.js';
import { randomBatches } from './fixtures/random-workload.js';
import { governanceKernel } from './helpers.js';

describe('previewDecision', () => {
  it('predicts the receipt of every descriptor command and changes no state', () => {
    let state: KernelState = governanceKernel();
    let height = 0;
    let compared = 0;
    for (const batch of randomBatches(11, 6, 40)) {
      for (const cmd of batch) {
        height++;
        const before = stateRoot(state);
        const p = previewDecision(state, cmd, { height });
        assert.deepEqual(stateRoot(state), before, 'preview wrote state');
        const r = applyBatch(state, [cmd], { height });
        state = r.state;
        const rc = r.receipts[0];
        if (cmd.type === 'approve' || cmd.type.startsWith('gov.')) continue;
        // A preview stops at the decision: an ALLOW whose effects then fail (limit, assert) is ok in
        // the preview and failed in the receipt. Everything else must match exactly.
        if (p.result === 'ok' && rc.result === 'failed') continue;
        assert.deepEqual([p.result, p.decision, p.ruleId], [rc.result, rc.decision, rc.ruleId], JSON.stringify(cmd));
        compared++;
      }
    }
    assert.ok(compared > 150, `only ${compared} compared`);
  });

  it('does not consume the state handle', () => {
    const s = governanceKernel();
    const kept = forkState(s);
    previewDecision(s, { principal: 'agent', seq: 1, type: 'act', fields: { action: 'read', resource: 'x' } }, { height: 1 });
    assert.deepEqual(stateRoot(s), stateRoot(kept));
  });
});
