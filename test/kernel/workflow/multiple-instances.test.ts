// WCP13 multiple instances with a priori design-time knowledge.
import assert from 'node:assert/strict';
import { cancelTask, completeTask, enabledTasks } from '../../../kernel/workflow/api.js';
import { loadExample, ok, refused, walk } from './helpers.js';

describe('workflow WCP13 multiple instances (design-time count)', () => {
  const wf = loadExample('wcp13-multiple-instances-design-time.json');

  it('count 3: three completions are needed before the case moves on', () => {
    let c = walk(wf, ['prepare']);
    const seen: unknown[] = [];
    for (let i = 1; i <= 2; i++) {
      const r = ok(completeTask(wf, c, 'signoff'));
      seen.push(r.events);
      c = r.case;
      assert.deepEqual(enabledTasks(wf, c), ['signoff'], `after instance ${i} the next instance is enabled`);
      assert.deepEqual(c.instances, { signoff: { completed: i, total: 3 } });
    }
    assert.deepEqual(seen, [
      [{ kind: 'instance-completed', task: 'signoff', instance: 1, total: 3 }],
      [{ kind: 'instance-completed', task: 'signoff', instance: 2, total: 3 }],
    ]);
    const last = ok(completeTask(wf, c, 'signoff', { choices: ['escalate'] }));
    assert.deepEqual(last.events, [
      { kind: 'instance-completed', task: 'signoff', instance: 3, total: 3 },
      { kind: 'task-completed', task: 'signoff', chosen: ['escalate'] },
    ]);
    assert.deepEqual(last.case.instances, {});
    assert.deepEqual(enabledTasks(wf, last.case), ['escalate']);
  });

  it('edge: choices before the last instance are refused, and nothing changes', () => {
    const c = walk(wf, ['prepare']);
    refused(completeTask(wf, c, 'signoff', { choices: ['escalate'] }), /choices apply when its last instance completes/);
    assert.deepEqual(c.instances, {});
  });

  it('with no choice the final instance takes the default branch', () => {
    const c = walk(wf, ['prepare', 'signoff', 'signoff', 'signoff', 'publish']);
    assert.equal(c.status, 'completed');
  });

  it('the case does not complete while instances are running', () => {
    const c = walk(wf, ['prepare', 'signoff']);
    assert.equal(c.status, 'running');
    assert.deepEqual(c.marking, {}, 'the input token was taken by the first instance');
  });

  it('cancelTask withdraws the remaining instances', () => {
    const r = ok(cancelTask(wf, walk(wf, ['prepare', 'signoff']), 'signoff'));
    assert.deepEqual(r.case.instances, {});
    assert.equal(r.case.status, 'cancelled', 'no work is left');
  });
});
