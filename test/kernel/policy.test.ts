import assert from 'node:assert/strict';
import { createKernel, stateRoot } from '../../kernel/api.js';
import { Chain, Client, example, genesisWith, governanceKernel } from './helpers.js';

describe('policy decisions (governance example)', () => {
  it('allows low risk, denies outright, and asks for approval, naming the rule and risk', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const r = chain.apply([
      c.cmd('agent', 'act', { action: 'read', resource: 'dev/db' }),
      c.cmd('agent', 'act', { action: 'delete', resource: 'prod/db' }),
      c.cmd('agent', 'act', { action: 'transfer', resource: 'acct/1', amount: 50_000 }),
      c.cmd('agent', 'act', { action: 'transfer', resource: 'acct/1', amount: 5 }),
    ]);
    const got = r.receipts.map((x) => [x.result, x.decision, x.risk, x.ruleId]);
    assert.deepEqual(got, [
      ['ok', 'ALLOW', 'low', 'allow-low-risk'],
      ['denied', 'DENY', 'critical', 'deny-prod-delete'],
      ['pending', 'REQUIRE_APPROVAL', 'high', 'approve-large-transfer'],
      ['ok', 'ALLOW', 'low', 'allow-low-risk'],
    ]);
    assert.equal(r.receipts[0].output, 'read by agent');
    assert.match(r.receipts[1].reason ?? '', /never delete production/);
  });

  it('denies unknown principals and principals without the capability, changing no state', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    chain.apply([]);
    const before = stateRoot(chain.state);
    const r = chain.apply([c.cmd('mallory', 'act', { action: 'read', resource: 'x' }), c.cmd('agent', 'freeze', { resource: 'x' })]);
    assert.deepEqual(r.receipts.map((x) => [x.result, x.ruleId]), [['denied', 'kernel.capability'], ['denied', 'kernel.capability']]);
    assert.match(r.receipts[0].reason ?? '', /unknown principal mallory/);
    // The denied freeze wrote nothing: the resource is still usable.
    const after = chain.apply([c.cmd('agent', 'act', { action: 'read', resource: 'x' })]);
    assert.equal(after.receipts[0].ruleId, 'allow-low-risk');
    assert.notDeepEqual(before, r.stateRoot, 'height and receipt chain head still move');
  });

  it('completes an approval with 2 of the approvers, then runs the original effects once', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const opened = chain.apply([c.cmd('agent', 'act', { action: 'deploy', resource: 'prod/api' })]);
    const requestId = (opened.receipts[0].output as { requestId: string }).requestId;
    const r = chain.apply([
      c.cmd('ann', 'approve', { requestId }),
      c.cmd('ann', 'approve', { requestId }),
      c.cmd('agent', 'approve', { requestId }),
      c.cmd('op', 'approve', { requestId }),
      c.cmd('ben', 'approve', { requestId }),
      c.cmd('cat', 'approve', { requestId }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['ok', 'failed', 'denied', 'denied', 'ok', 'failed']);
    assert.match(r.receipts[1].reason ?? '', /duplicate approval/);
    assert.match(r.receipts[2].reason ?? '', /not an approver/);
    assert.deepEqual(r.receipts[4].output, { requestId, approvals: 2, threshold: 2, executed: true, output: 'deploy by agent' });
    assert.equal(r.receipts[4].decision, 'ALLOW');
    assert.equal(r.receipts[4].ruleId, 'approve-prod-change');
    assert.match(r.receipts[5].reason ?? '', /no pending approval request/);
  });

  it('expires approval requests after their window', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const opened = chain.apply([c.cmd('agent', 'act', { action: 'transfer', resource: 'a', amount: 20_000 })], 10);
    const requestId = (opened.receipts[0].output as { requestId: string }).requestId;
    assert.equal((opened.receipts[0].output as { expiresAt: number }).expiresAt, 110);
    chain.apply([c.cmd('ann', 'approve', { requestId })], 110);
    const late = chain.apply([c.cmd('ben', 'approve', { requestId })], 111);
    assert.equal(late.receipts[0].result, 'failed');
    assert.match(late.receipts[0].reason ?? '', /no pending approval request/);
  });

  it('enforces the rate limit per window of heights, and the window resets', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const burst = Array.from({ length: 22 }, (_, i) => c.cmd('agent', 'act', { action: 'write', resource: `dev/${i}` }));
    const r = chain.apply(burst, 1);
    assert.equal(r.receipts.filter((x) => x.result === 'ok').length, 20);
    assert.deepEqual(r.receipts.slice(20).map((x) => x.ruleId), ['deny-over-limit', 'deny-over-limit']);
    const other = chain.apply([c.cmd('agent2', 'act', { action: 'write', resource: 'dev/x' })], 2);
    assert.equal(other.receipts[0].result, 'ok', 'the limit is per principal');
    const next = chain.apply([c.cmd('agent', 'act', { action: 'write', resource: 'dev/y' })], 10);
    assert.equal(next.receipts[0].result, 'ok', 'a new window of 10 heights starts at height 10');
  });

  it('frozen resources are denied by a state guard until unfrozen', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const r = chain.apply([
      c.cmd('op', 'freeze', { resource: 'dev/db' }),
      c.cmd('agent', 'act', { action: 'read', resource: 'dev/db' }),
      c.cmd('op', 'unfreeze', { resource: 'dev/db' }),
      c.cmd('agent', 'act', { action: 'read', resource: 'dev/db' }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.ruleId), ['operators-freeze', 'deny-frozen', 'operators-freeze', 'allow-low-risk']);
  });

  it('rejects bad fields with a clear reason: unknown, missing, wrong type, oversized, not in enum', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const r = chain.apply([
      c.cmd('agent', 'act', { action: 'read', resource: 'x', colour: 'red' }),
      c.cmd('agent', 'act', { action: 'read' }),
      c.cmd('agent', 'act', { action: 'read', resource: 7 }),
      c.cmd('agent', 'act', { action: 'read', resource: 'x'.repeat(257) }),
      c.cmd('agent', 'act', { action: 'launch', resource: 'x' }),
      c.cmd('agent', 'act', { action: 'transfer', resource: 'x', amount: -1 }),
    ]);
    const reasons = r.receipts.map((x) => x.reason ?? '');
    assert.ok(r.receipts.every((x) => x.result === 'failed' && x.ruleId === 'kernel.fields'));
    for (const [i, re] of [/unknown field "colour"/, /missing field "resource"/, /must be a string/, /longer than 256/, /must be one of/, /at least 0/].entries()) {
      assert.match(reasons[i], re);
    }
  });
});

describe('approval after the requester was revoked', () => {
  it('fails the completing approval and keeps the request', () => {
    const c = new Client();
    const chain = new Chain(governanceKernel());
    const opened = chain.apply([c.cmd('agent', 'act', { action: 'deploy', resource: 'prod/api' })]);
    const requestId = (opened.receipts[0].output as { requestId: string }).requestId;
    const r = chain.apply([
      c.cmd('ann', 'approve', { requestId }),
      c.cmd('op', 'gov.revoke', { principal: 'agent' }, ['admin-a', 'admin-b']),
      c.cmd('ben', 'approve', { requestId }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['ok', 'ok', 'failed']);
    assert.match(r.receipts[2].reason ?? '', /no longer a registered principal/);
  });
});

describe('approval gates naming approvers by key id', () => {
  it('accepts only the listed ids, m of n', () => {
    const d = example('kv') as Record<string, any>;
    d.rules = [
      { id: 'big-put', commands: ['put'], when: { gt: [{ len: { field: 'value' } }, 3] }, decision: 'REQUIRE_APPROVAL', risk: 'high',
        approval: { approvers: { ids: ['k1', 'k2', 'k3'] }, threshold: 2, expiresAfterHeights: 10 } },
      { id: 'rest', when: true, decision: 'ALLOW', risk: 'low' },
    ];
    const principals = Object.fromEntries(['alice', 'k1', 'k2', 'k3', 'k4'].map((p) => [p, { commands: ['put', 'get'], roles: ['approver'] }]));
    const c = new Client();
    const chain = new Chain(createKernel(genesisWith(d, principals)));
    const opened = chain.apply([c.cmd('alice', 'put', { key: 'x', value: 'long value' }), c.cmd('alice', 'get', { key: 'x' })]);
    assert.deepEqual(opened.receipts.map((x) => [x.result, x.output === null ? null : typeof x.output]), [['pending', 'object'], ['ok', null]]);
    const requestId = (opened.receipts[0].output as { requestId: string }).requestId;
    const r = chain.apply([
      c.cmd('k4', 'approve', { requestId }),
      c.cmd('k3', 'approve', { requestId }),
      c.cmd('k1', 'approve', { requestId }),
      c.cmd('alice', 'get', { key: 'x' }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['denied', 'ok', 'ok', 'ok']);
    assert.equal(r.receipts[3].output, 'long value');
  });
});
