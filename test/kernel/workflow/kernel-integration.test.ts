// End to end through the kernel: the payment-approval descriptor drives a case with wf.* commands in
// committed batches. Checks that rules gate tasks per role, that engine refusals become failed
// receipts without state change, and that replicas agree on state roots.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CanonicalValue } from '../../../crypto/canonical.js';
import { applyBatch, createKernel, restoreState, snapshotState } from '../../../kernel/api.js';
import type { ApplyResult, Genesis, KernelCommand, KernelState, Receipt } from '../../../kernel/api.js';

const descriptor = JSON.parse(readFileSync(new URL('../../../kernel/examples/workflows/payment-approval.json', import.meta.url), 'utf8')) as CanonicalValue;

function genesis(): Genesis {
  return {
    chainId: 'wf-test',
    admins: ['admin-a'],
    adminThreshold: 1,
    descriptor,
    principals: {
      clerk: { commands: ['*'], roles: ['clerk'] },
      rita: { commands: ['*'], roles: ['reviewer'] },
      mgr: { commands: ['*'], roles: ['manager'] },
    },
  };
}

class Run {
  private seqs = new Map<string, number>();
  private height = 0;
  constructor(public state: KernelState = createKernel(genesis())) {}
  cmd(principal: string, type: string, fields: Record<string, CanonicalValue>): KernelCommand {
    const seq = (this.seqs.get(principal) ?? 0) + 1;
    this.seqs.set(principal, seq);
    return { principal, seq, type, fields };
  }
  apply(batch: KernelCommand[]): ApplyResult {
    const r = applyBatch(this.state, batch, { height: ++this.height });
    this.state = r.state;
    return r;
  }
  one(principal: string, type: string, fields: Record<string, CanonicalValue>): Receipt {
    return this.apply([this.cmd(principal, type, fields)]).receipts[0];
  }
}

function complete(caseId: string, task: string, choices?: string[]): Record<string, CanonicalValue> {
  return choices === undefined ? { caseId, task } : { caseId, task, choices };
}

describe('workflow engine inside the kernel (payment-approval descriptor)', () => {
  it('walks a case through review; receipts show the enabled tasks', () => {
    const run = new Run();
    assert.deepEqual(run.one('clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' }).output, { caseId: 'p1', workflow: 'payment', status: 'running', enabled: ['register'] });
    for (const task of ['register', 'kyc', 'screening']) assert.equal(run.one('clerk', 'wf.complete', complete('p1', task)).result, 'ok');
    const assessed = run.one('clerk', 'wf.complete', complete('p1', 'assess'));
    assert.deepEqual(assessed.output, { caseId: 'p1', workflow: 'payment', status: 'running', enabled: ['approve', 'expire', 'reject'] });
    assert.equal(run.one('rita', 'wf.complete', complete('p1', 'approve')).result, 'ok');
    const late = run.one('clerk', 'wf.complete', complete('p1', 'expire'));
    assert.equal(late.result, 'failed', 'deferred choice: approve withdrew expire');
    assert.match(late.reason ?? '', /task "expire" is not enabled/);
    run.one('clerk', 'wf.complete', complete('p1', 'pay'));
    const end = run.one('clerk', 'wf.complete', complete('p1', 'archive'));
    assert.deepEqual(end.output, { caseId: 'p1', workflow: 'payment', status: 'completed', enabled: [] });
  });

  it('rules gate tasks by role: a clerk may not approve, a reviewer may not start', () => {
    const run = new Run();
    assert.equal(run.one('rita', 'wf.start', { workflow: 'payment', caseId: 'p1' }).result, 'denied');
    run.one('clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' });
    for (const task of ['register', 'kyc', 'screening', 'assess']) run.one('clerk', 'wf.complete', complete('p1', task));
    const r = run.one('clerk', 'wf.complete', complete('p1', 'approve'));
    assert.equal(r.result, 'denied');
  });

  it('engine refusals are failed receipts and change no case state', () => {
    const run = new Run();
    run.one('clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' });
    const bad = run.apply([
      run.cmd('clerk', 'wf.complete', complete('p1', 'assess')),
      run.cmd('clerk', 'wf.complete', complete('p1', 'register', ['kyc'])),
      run.cmd('clerk', 'wf.complete', complete('nope', 'register')),
      run.cmd('clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' }),
      run.cmd('clerk', 'wf.complete', complete('p1', 'register')),
    ]);
    assert.deepEqual(bad.receipts.map((r) => r.result), ['failed', 'failed', 'failed', 'failed', 'ok']);
    assert.match(bad.receipts[0].reason ?? '', /not enabled/);
    assert.match(bad.receipts[1].reason ?? '', /AND split/);
    assert.deepEqual(bad.receipts[4].output, { caseId: 'p1', workflow: 'payment', status: 'running', enabled: ['kyc', 'screening'] });
  });

  it('a manager cancels a case in the middle of the parallel branches', () => {
    const run = new Run();
    run.one('clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' });
    run.one('clerk', 'wf.complete', complete('p1', 'register'));
    assert.equal(run.one('clerk', 'wf.cancel', { caseId: 'p1' }).result, 'denied');
    const r = run.one('mgr', 'wf.cancel', { caseId: 'p1' });
    assert.deepEqual(r.output, { caseId: 'p1', workflow: 'payment', status: 'cancelled', enabled: [] });
    assert.equal(run.one('clerk', 'wf.complete', complete('p1', 'kyc')).result, 'failed');
  });

  it('a case survives a snapshot and restore (canonical-decoded case state) and continues', () => {
    const run = new Run();
    run.one('clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' });
    run.one('clerk', 'wf.complete', complete('p1', 'register'));
    run.state = restoreState(snapshotState(run.state));
    const r = run.one('clerk', 'wf.complete', complete('p1', 'kyc'));
    assert.equal(r.result, 'ok', r.reason ?? '');
    assert.deepEqual(r.output, { caseId: 'p1', workflow: 'payment', status: 'running', enabled: ['screening'] });
  });

  it('two replicas applying the same batches agree on every state root and receipts root', () => {
    const a = new Run();
    const b = new Run();
    const script: [string, string, Record<string, CanonicalValue>][] = [
      ['clerk', 'wf.start', { workflow: 'payment', caseId: 'p1' }],
      ['clerk', 'wf.start', { workflow: 'payment', caseId: 'p2' }],
      ['clerk', 'wf.complete', complete('p1', 'register')],
      ['clerk', 'wf.complete', complete('p2', 'register')],
      ['clerk', 'wf.complete', complete('p1', 'screening')],
      ['mgr', 'wf.cancelTask', complete('p2', 'kyc')],
    ];
    for (let i = 0; i < script.length; i += 2) {
      const batch = (run: Run) => script.slice(i, i + 2).map(([p, t, f]) => run.cmd(p, t, f));
      const ra = a.apply(batch(a));
      const rb = b.apply(batch(b));
      assert.deepEqual(ra.stateRoot, rb.stateRoot);
      assert.deepEqual(ra.receiptsRoot, rb.receiptsRoot);
    }
  });
});
