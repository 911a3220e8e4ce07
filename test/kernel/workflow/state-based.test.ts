// WCP16 deferred choice and WCP18 milestone.
import assert from 'node:assert/strict';
import { completeTask, enabledTasks } from '../../../kernel/workflow/api.js';
import { loadExample, ok, refused, walk } from './helpers.js';

describe('workflow WCP16 deferred choice', () => {
  const wf = loadExample('wcp16-deferred-choice.json');

  it('offers every alternative; the first completed withdraws the others', () => {
    let c = walk(wf, ['route']);
    assert.deepEqual(enabledTasks(wf, c), ['approve', 'deny', 'expire']);
    c = ok(completeTask(wf, c, 'expire')).case;
    assert.deepEqual(enabledTasks(wf, c), []);
    assert.equal(c.status, 'completed');
  });

  it('edge: a withdrawn alternative is refused afterwards', () => {
    const c = walk(wf, ['route', 'approve']);
    assert.deepEqual(enabledTasks(wf, c), ['execute']);
    refused(completeTask(wf, c, 'deny'), /task "deny" is not enabled/);
    refused(completeTask(wf, c, 'expire'), /not enabled/);
  });

  it('the choice is made by the environment, not by data: the alternatives need no choices', () => {
    const c = walk(wf, ['route', 'deny']);
    assert.equal(c.status, 'completed');
  });
});

describe('workflow WCP18 milestone', () => {
  const wf = loadExample('wcp18-milestone.json');

  it('the milestone task is enabled only while its condition holds a token, and does not consume it', () => {
    let c = walk(wf, ['dispatch']);
    assert.deepEqual(enabledTasks(wf, c), ['amend', 'closeAmendments', 'deliver']);
    c = ok(completeTask(wf, c, 'amend')).case;
    assert.equal(c.marking.inTransit, 1, 'amend reads the milestone, it does not take it');
    c = ok(completeTask(wf, c, 'amend')).case;
    assert.deepEqual(enabledTasks(wf, c), ['amend', 'closeAmendments', 'deliver'], 'amend may repeat while in transit');
    c = ok(completeTask(wf, c, 'deliver')).case;
    assert.deepEqual(enabledTasks(wf, c), ['closeAmendments'], 'delivered: the milestone has passed');
  });

  it('edge: after the milestone passed, amend is refused and the case still finishes', () => {
    let c = walk(wf, ['dispatch', 'deliver']);
    refused(completeTask(wf, c, 'amend'), /task "amend" is not enabled/);
    c = ok(completeTask(wf, c, 'closeAmendments')).case;
    c = ok(completeTask(wf, c, 'settle')).case;
    assert.equal(c.status, 'completed');
  });

  it('edge: before the milestone is reached, the task is not enabled', () => {
    const c = walk(wf, []);
    refused(completeTask(wf, c, 'amend'), /not enabled/);
  });
});
