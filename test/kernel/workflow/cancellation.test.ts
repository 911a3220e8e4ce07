// WCP19 cancel task and WCP20 cancel case: through the API and through a task's cancellation region.
import assert from 'node:assert/strict';
import { cancelCase, cancelTask, completeTask, enabledTasks, startCase } from '../../../kernel/workflow/api.js';
import { deepFreeze, loadExample, ok, refused, walk } from './helpers.js';

describe('workflow WCP19 cancel task', () => {
  const wf = loadExample('wcp19-cancel-task.json');
  const order = loadExample('wcp02-03-parallel-split-synchronization.json');
  const seq = loadExample('wcp01-sequence.json');

  it('a cancellation region: completing work withdraws escalate (and the reverse)', () => {
    const c = walk(wf, ['assign']);
    assert.deepEqual(enabledTasks(wf, c), ['escalate', 'work']);
    const done = ok(completeTask(wf, c, 'work'));
    assert.deepEqual(done.events, [
      { kind: 'region-cancelled', task: 'work', places: [], tasks: ['escalate'] },
      { kind: 'task-completed', task: 'work', chosen: ['close'] },
    ]);
    assert.deepEqual(enabledTasks(wf, done.case), ['close'], 'close runs once: escalate was withdrawn');
    const end = ok(completeTask(wf, done.case, 'close')).case;
    assert.equal(end.status, 'completed');
    assert.equal(walk(wf, ['assign', 'escalate', 'close']).status, 'completed');
  });

  it('cancelTask withdraws an enabled branch; the AND join then cannot fire', () => {
    const c = walk(order, ['accept']);
    const r = ok(cancelTask(order, c, 'pick'));
    assert.deepEqual(r.events, [{ kind: 'task-cancelled', task: 'pick' }]);
    assert.deepEqual(enabledTasks(order, r.case), ['bill']);
    const after = ok(completeTask(order, r.case, 'bill')).case;
    assert.deepEqual(enabledTasks(order, after), [], 'ship waits for pick forever: the case needs cancelCase');
    assert.equal(after.status, 'running');
    assert.equal(ok(cancelCase(order, after)).case.status, 'cancelled');
  });

  it('cancelling the only live task ends the case as cancelled', () => {
    const r = ok(cancelTask(seq, walk(seq, ['register']), 'check'));
    assert.equal(r.case.status, 'cancelled');
    assert.deepEqual(r.events.map((e) => e.kind), ['task-cancelled', 'case-cancelled']);
  });

  it('edge: a task that is not enabled, or unknown, cannot be cancelled; the case is unchanged', () => {
    const c = walk(order, ['accept']);
    refused(cancelTask(order, c, 'ship'), /task "ship" is not enabled/);
    refused(cancelTask(order, c, 'nope'), /no task "nope"/);
    assert.deepEqual(enabledTasks(order, c), ['bill', 'pick']);
  });
});

describe('workflow WCP20 cancel case', () => {
  const wf = loadExample('wcp20-cancel-case.json');

  it('cancel during parallel branches removes every token and join state', () => {
    const c = walk(wf, ['open', 'collect']);
    assert.deepEqual(enabledTasks(wf, c), ['investigate']);
    const r = ok(cancelCase(wf, c));
    assert.deepEqual(r.case.marking, {});
    assert.equal(r.case.status, 'cancelled');
    assert.deepEqual(r.events, [{ kind: 'case-cancelled' }]);
    assert.deepEqual(enabledTasks(wf, r.case), []);
    refused(completeTask(wf, r.case, 'investigate'), /is "cancelled", not running/);
    refused(cancelCase(wf, r.case), /cancelled/);
  });

  it('charges fuel per removed token', () => {
    const one = ok(cancelCase(wf, deepFreeze(startCase(wf, 'c1')))).fuelUsed;
    const two = ok(cancelCase(wf, walk(wf, ['open']))).fuelUsed;
    assert.equal(two - one, 1);
  });

  it('the loop through the XOR back edge (revise) runs and still completes', () => {
    const c = walk(wf, ['open', 'collect', 'investigate', ['decide', ['revise']], 'revise', 'investigate', 'collect', 'decide', 'pay']);
    assert.equal(c.status, 'completed');
    assert.deepEqual(c.marking, { done: 1 });
  });

  it('edge: cancelling a completed case is refused', () => {
    const c = walk(wf, ['open', 'collect', 'investigate', 'decide', 'pay']);
    refused(cancelCase(wf, c), /is "completed", not running/);
  });
});
