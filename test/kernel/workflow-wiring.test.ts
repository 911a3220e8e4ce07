import assert from 'node:assert/strict';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { createKernel, stateRoot } from '../../kernel/api.js';
import { Chain, Client, example, genesisWith } from './helpers.js';

describe('kernel <-> workflow engine wiring', () => {
  const descriptor = (): CanonicalValue => {
    const d = structuredClone(example('workflows/wcp04-05-exclusive-choice-simple-merge')) as Record<string, any>;
    return {
      knhk: 'descriptor/v1',
      name: 'wiring',
      version: 1,
      workflows: d.workflows,
      rules: [
        { id: 'no-reject', commands: ['wf.complete'], when: { eq: [{ field: 'task' }, 'reject'] }, decision: 'DENY', risk: 'medium' },
        { id: 'allow-all', when: true, decision: 'ALLOW', risk: 'low' },
      ],
    };
  };
  const kernel = () => createKernel(genesisWith(descriptor(), { u: { commands: ['*'] } }));

  it('runs cases through wf.* commands, guarded by rules, with the case in the state root', () => {
    const c = new Client();
    const chain = new Chain(kernel());
    const r = chain.apply([
      c.cmd('u', 'wf.start', { workflow: 'payment', caseId: 'c1' }),
      c.cmd('u', 'wf.start', { workflow: 'payment', caseId: 'c1' }),
      c.cmd('u', 'wf.start', { workflow: 'nope', caseId: 'c2' }),
      c.cmd('u', 'wf.complete', { caseId: 'c1', task: 'notify' }),
      c.cmd('u', 'wf.complete', { caseId: 'c1', task: 'assess', choices: ['reject'] }),
      c.cmd('u', 'wf.complete', { caseId: 'c1', task: 'reject' }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['ok', 'failed', 'failed', 'failed', 'ok', 'denied']);
    assert.deepEqual(r.receipts[0].output, { caseId: 'c1', workflow: 'payment', status: 'running', enabled: ['assess'] });
    assert.match(r.receipts[1].reason ?? '', /already exists/);
    assert.match(r.receipts[2].reason ?? '', /no workflow named "nope"/);
    assert.equal(r.receipts[5].ruleId, 'no-reject');
    const before = stateRoot(chain.state);
    const done = chain.apply([c.cmd('u', 'wf.cancel', { caseId: 'c1' })]);
    assert.equal((done.receipts[0].output as { status: string }).status, 'cancelled');
    assert.notDeepEqual(done.stateRoot, before);
  });

  it('validates built-in command fields like any other', () => {
    const c = new Client();
    const r = new Chain(kernel()).apply([
      c.cmd('u', 'wf.start', { workflow: 'payment' }),
      c.cmd('u', 'wf.complete', { caseId: 'c1', task: 'assess', choices: 'reject' }),
      c.cmd('u', 'wf.cancel', { caseId: 'x'.repeat(200) }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.reason), ['missing field "caseId"', 'field "choices" must be a list of at most 64 task/condition ids', 'field "caseId" is longer than 128']);
  });
});
