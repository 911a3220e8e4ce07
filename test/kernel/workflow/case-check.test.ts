// A case is checked against the net before every step: after a descriptor upgrade, a case that no
// longer fits is refused with a reason (and can still be cancelled); a case that fits continues.
import assert from 'node:assert/strict';
import { cancelCase, completeTask, enabledTasks } from '../../../kernel/workflow/api.js';
import type { CaseState } from '../../../kernel/workflow/api.js';
import { compile, ok, refused, walk } from './helpers.js';

const v1 = {
  start: 'in', end: 'out', conditions: { in: { next: ['draft'] } },
  tasks: { draft: { next: ['review'] }, review: { next: ['out'] } },
};

describe('workflow case check against the net', () => {
  const wf1 = compile(v1, 'doc');

  it('a compatible upgrade (a task added after the case position) lets the case continue', () => {
    const c = walk(wf1, ['draft']);
    const wf2 = compile({ ...v1, tasks: { draft: { next: ['review'] }, review: { next: ['publish'] }, publish: { next: ['out'] } } }, 'doc');
    let next = ok(completeTask(wf2, c, 'review')).case;
    assert.deepEqual(enabledTasks(wf2, next), ['publish']);
    next = ok(completeTask(wf2, next, 'publish')).case;
    assert.equal(next.status, 'completed');
  });

  it('an incompatible upgrade (the case token sits on a place that is gone) is refused; cancel still works', () => {
    const c = walk(wf1, ['draft']);
    const wf2 = compile({ ...v1, tasks: { draft: { next: ['approve'] }, approve: { next: ['out'] } } }, 'doc');
    refused(completeTask(wf2, c, 'approve'), /does not fit workflow "doc" as now defined: no place "draft->review"/);
    assert.deepEqual(enabledTasks(wf2, c), []);
    assert.equal(ok(cancelCase(wf2, c)).case.status, 'cancelled');
  });

  it('refuses join and instance state that the net does not have', () => {
    const c = walk(wf1, []);
    const bad: [Partial<CaseState>, RegExp][] = [
      [{ orJoins: { review: [1] } }, /no OR join "review"/],
      [{ discriminators: { review: ['x'] } }, /no discriminator "review"/],
      [{ instances: { review: { completed: 1, total: 3 } } }, /no multiple-instance task "review"/],
      [{ marking: { nowhere: 1 } }, /no place "nowhere"/],
      [{ steps: -1 }, /bad step count/],
    ];
    for (const [patch, reason] of bad) refused(completeTask(wf1, { ...c, ...patch }, 'draft'), reason);
  });

  it('checks the inner shape of join and instance state', () => {
    const mi = compile({ start: 'in', end: 'out', conditions: { in: { next: ['a'] } }, tasks: { a: { instances: 3, next: ['out'] } } }, 'mi');
    const c = ok(completeTask(mi, walk(mi, []), 'a')).case;
    assert.deepEqual(c.instances, { a: { completed: 1, total: 3 } });
    refused(completeTask(mi, { ...c, instances: { a: { completed: 3, total: 3 } } }, 'a'), /bad instance state of "a"/);
    refused(completeTask(mi, { ...c, instances: { a: { completed: 1, total: 4 } } }, 'a'), /bad instance state of "a"/);
  });
});
