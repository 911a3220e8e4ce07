// WCP1–WCP5: sequence, parallel split, synchronization, exclusive choice, simple merge.
import assert from 'node:assert/strict';
import { completeTask, enabledTasks, startCase } from '../../../kernel/workflow/api.js';
import { deepFreeze, loadExample, ok, refused, walk } from './helpers.js';

describe('workflow WCP1 sequence', () => {
  const wf = loadExample('wcp01-sequence.json');

  it('enables one task at a time, in order, and completes at the end condition', () => {
    let c = deepFreeze(startCase(wf, 'c1'));
    const order: string[][] = [];
    for (const task of ['register', 'check', 'archive']) {
      order.push(enabledTasks(wf, c));
      c = ok(completeTask(wf, c, task)).case;
    }
    assert.deepEqual(order, [['register'], ['check'], ['archive']]);
    assert.equal(c.status, 'completed');
    assert.deepEqual(c.marking, { done: 1 });
    assert.equal(c.steps, 3);
  });

  it('refuses a task out of order and leaves the case as it was', () => {
    const c = deepFreeze(startCase(wf, 'c1'));
    refused(completeTask(wf, c, 'check'), /task "check" is not enabled/);
    assert.deepEqual(c.marking, { received: 1 });
  });

  it('refuses every step once the case is completed', () => {
    const c = walk(wf, ['register', 'check', 'archive']);
    assert.deepEqual(enabledTasks(wf, c), []);
    refused(completeTask(wf, c, 'register'), /is "completed", not running/);
  });

  it('refuses an unknown task, including prototype names', () => {
    const c = deepFreeze(startCase(wf, 'c1'));
    refused(completeTask(wf, c, 'nope'), /has no task "nope"/);
    refused(completeTask(wf, c, 'constructor'), /has no task "constructor"/);
    refused(completeTask(wf, c, '__proto__'), /has no task/);
  });
});

describe('workflow WCP2 parallel split + WCP3 synchronization', () => {
  const wf = loadExample('wcp02-03-parallel-split-synchronization.json');

  it('the AND split enables both branches; the AND join waits for both', () => {
    let c = walk(wf, ['accept']);
    assert.deepEqual(enabledTasks(wf, c), ['bill', 'pick']);
    c = ok(completeTask(wf, c, 'bill')).case;
    assert.deepEqual(enabledTasks(wf, c), ['pick'], 'ship must wait for pick');
    refused(completeTask(wf, c, 'ship'), /not enabled/);
    c = ok(completeTask(wf, c, 'pick')).case;
    assert.deepEqual(enabledTasks(wf, c), ['ship']);
    c = ok(completeTask(wf, c, 'ship')).case;
    assert.equal(c.status, 'completed');
  });

  it('branches may complete in either order with the same final state', () => {
    const a = walk(wf, ['accept', 'pick', 'bill', 'ship']);
    const b = walk(wf, ['accept', 'bill', 'pick', 'ship']);
    assert.deepEqual(a, b);
  });

  it('an AND split refuses choices', () => {
    const c = deepFreeze(startCase(wf, 'c1'));
    refused(completeTask(wf, c, 'accept', { choices: ['pick'] }), /AND split/);
  });
});

describe('workflow WCP4 exclusive choice + WCP5 simple merge', () => {
  const wf = loadExample('wcp04-05-exclusive-choice-simple-merge.json');

  it('takes exactly the chosen branch, then merges into notify once', () => {
    let c = walk(wf, [['assess', ['reject']]]);
    assert.deepEqual(enabledTasks(wf, c), ['reject']);
    const done = ok(completeTask(wf, c, 'reject'));
    assert.deepEqual(done.events, [{ kind: 'task-completed', task: 'reject', chosen: ['notify'] }]);
    c = ok(completeTask(wf, done.case, 'notify')).case;
    assert.equal(c.status, 'completed');
  });

  it('edge: no matching branch (no choice, no default) is refused', () => {
    const c = deepFreeze(startCase(wf, 'c1'));
    refused(completeTask(wf, c, 'assess'), /XOR split with no default: choose exactly one of "approve", "reject"/);
    refused(completeTask(wf, c, 'assess', { choices: [] }), /no default/);
  });

  it('edge: two choices or an unknown branch are refused', () => {
    const c = deepFreeze(startCase(wf, 'c1'));
    refused(completeTask(wf, c, 'assess', { choices: ['approve', 'reject'] }), /choose exactly one/);
    refused(completeTask(wf, c, 'assess', { choices: ['notify'] }), /has no branch "notify"/);
    refused(completeTask(wf, c, 'assess', { choices: [7 as unknown as string] }), /has no branch \(number\)/);
    refused(completeTask(wf, c, 'assess', { choices: 'approve' as unknown as string[] }), /choices must be an array/);
  });
});
