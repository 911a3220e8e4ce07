// WCP6 multi-choice, WCP7 structured synchronizing merge, WCP8 multi-merge, WCP9 structured discriminator.
import assert from 'node:assert/strict';
import { completeTask, enabledTasks } from '../../../kernel/workflow/api.js';
import { compile, loadExample, ok, refused, walk } from './helpers.js';

describe('workflow WCP6 multi-choice + WCP7 structured synchronizing merge', () => {
  const wf = loadExample('wcp06-07-multi-choice-synchronizing-merge.json');

  it('enables exactly the chosen subset of branches', () => {
    const c = walk(wf, [['triage', ['fire', 'ambulance']]]);
    assert.deepEqual(enabledTasks(wf, c), ['ambulance', 'fire']);
    assert.deepEqual(c.orJoins, { report: [2] });
  });

  it('edge: the OR join waits for every branch that was activated, and only those', () => {
    let c = walk(wf, [['triage', ['fire', 'ambulance']], 'fire']);
    assert.deepEqual(enabledTasks(wf, c), ['ambulance'], 'report must wait for ambulance');
    refused(completeTask(wf, c, 'report'), /not enabled/);
    c = ok(completeTask(wf, c, 'ambulance')).case;
    assert.deepEqual(enabledTasks(wf, c), ['report'], 'police was never activated, so report need not wait for it');
    c = ok(completeTask(wf, c, 'report')).case;
    assert.equal(c.status, 'completed');
    assert.deepEqual(c.orJoins, {});
  });

  it('a single chosen branch synchronizes immediately', () => {
    const c = walk(wf, [['triage', ['ambulance']], 'ambulance']);
    assert.deepEqual(enabledTasks(wf, c), ['report']);
  });

  it('all three branches: report fires once after the third', () => {
    const c = walk(wf, [['triage', ['police', 'fire', 'ambulance']], 'police', 'fire']);
    assert.deepEqual(enabledTasks(wf, c), ['ambulance']);
    const done = walk(wf, [['triage', ['police', 'fire', 'ambulance']], 'police', 'fire', 'ambulance', 'report']);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.marking, { closed: 1 });
  });

  it('with no choices the default branch is taken; unknown or repeated choices are refused', () => {
    const c = walk(wf, ['triage']);
    assert.deepEqual(enabledTasks(wf, c), ['police']);
    const start = walk(wf, []);
    refused(completeTask(wf, start, 'triage', { choices: ['fire', 'fire'] }), /chosen twice/);
    refused(completeTask(wf, start, 'triage', { choices: ['swat'] }), /no branch "swat"/);
  });

  it('edge: an OR split with no default and no choice is refused', () => {
    const wf2 = compile({
      start: 'in', end: 'out', conditions: { in: { next: ['a'] } },
      tasks: { a: { split: 'or', next: ['b', 'c'] }, b: { next: ['out'] }, c: { next: ['out'] } },
    });
    refused(completeTask(wf2, walk(wf2, []), 'a'), /OR split with no default: choose at least one of "b", "c"/);
  });
});

describe('workflow WCP8 multi-merge', () => {
  const wf = loadExample('wcp08-multi-merge.json');

  it('the merge task runs once per incoming branch', () => {
    let c = walk(wf, [['distribute', ['legal', 'security']], 'legal']);
    assert.deepEqual(enabledTasks(wf, c), ['file', 'security']);
    c = ok(completeTask(wf, c, 'file')).case;
    assert.equal(c.status, 'running', 'security still has a token');
    c = ok(completeTask(wf, c, 'security')).case;
    assert.deepEqual(enabledTasks(wf, c), ['file'], 'file is enabled a second time');
    c = ok(completeTask(wf, c, 'file')).case;
    assert.equal(c.status, 'completed');
    assert.deepEqual(c.marking, { done: 2 });
  });

  it('two tokens waiting at the merge give two firings, not one', () => {
    let c = walk(wf, [['distribute', ['legal', 'security']], 'legal', 'security']);
    c = ok(completeTask(wf, c, 'file')).case;
    assert.deepEqual(enabledTasks(wf, c), ['file']);
    c = ok(completeTask(wf, c, 'file')).case;
    assert.equal(c.status, 'completed');
    refused(completeTask(wf, c, 'file'), /completed/);
  });
});

describe('workflow WCP9 structured discriminator', () => {
  const wf = loadExample('wcp09-structured-discriminator.json');

  it('fires on the first branch, absorbs the others, and resets after all arrived', () => {
    let c = walk(wf, ['broadcast', 'vendorB']);
    assert.deepEqual(enabledTasks(wf, c), ['firstQuote', 'vendorA', 'vendorC']);
    c = ok(completeTask(wf, c, 'firstQuote')).case;
    assert.deepEqual(c.discriminators, { firstQuote: ['vendorB->firstQuote'] });
    assert.deepEqual(c.marking, { done: 1, 'broadcast->vendorA': 1, 'broadcast->vendorC': 1 });
    assert.equal(c.status, 'running', 'the other vendors are still out');

    const a = ok(completeTask(wf, c, 'vendorA'));
    assert.deepEqual(a.events, [
      { kind: 'task-completed', task: 'vendorA', chosen: ['firstQuote'] },
      { kind: 'tokens-absorbed', task: 'firstQuote', place: 'vendorA->firstQuote' },
    ]);
    assert.deepEqual(enabledTasks(wf, a.case), ['vendorC'], 'the discriminator must not fire twice');

    const last = ok(completeTask(wf, a.case, 'vendorC'));
    assert.deepEqual(last.case.discriminators, {}, 'reset once all three arrived');
    assert.equal(last.case.status, 'completed');
    assert.deepEqual(last.events.map((e) => e.kind), ['task-completed', 'tokens-absorbed', 'case-completed']);
  });

  it('edge: several branches arrived before it fires are all consumed by the one firing', () => {
    let c = walk(wf, ['broadcast', 'vendorA', 'vendorC']);
    c = ok(completeTask(wf, c, 'firstQuote')).case;
    assert.deepEqual(c.discriminators, { firstQuote: ['vendorA->firstQuote', 'vendorC->firstQuote'] });
    c = ok(completeTask(wf, c, 'vendorB')).case;
    assert.equal(c.status, 'completed');
  });

  it('edge: if every branch arrived before it fires, it fires once and resets at once', () => {
    const c = walk(wf, ['broadcast', 'vendorA', 'vendorB', 'vendorC', 'firstQuote']);
    assert.deepEqual(c.discriminators, {});
    assert.equal(c.status, 'completed');
    assert.deepEqual(c.marking, { done: 1 });
  });

  it('edge: a second token on an arrived branch is blocked until the reset, then fires again', () => {
    // a's AND split sends two tokens towards x (directly and via b; x is a multi-merge), so x
    // reaches the discriminator twice before y does.
    const wf2 = compile({
      start: 'in', end: 'out', conditions: { in: { next: ['a'] } },
      tasks: {
        a: { split: 'and', next: ['b', 'x', 'y'] },
        b: { next: ['x'] },
        x: { next: ['d'] },
        y: { next: ['d'] },
        d: { join: 'discriminator', next: ['out'] },
      },
    });
    let c = walk(wf2, ['a', 'x', 'd', 'b', 'x']);
    assert.deepEqual(c.marking, { 'a->y': 1, out: 1, 'x->d': 1 });
    assert.deepEqual(enabledTasks(wf2, c), ['y'], 'the second x token waits: d is not armed');
    c = ok(completeTask(wf2, c, 'y')).case;
    assert.deepEqual(c.discriminators, {});
    assert.deepEqual(enabledTasks(wf2, c), ['d'], 'after the reset the waiting token fires d again');
    const again = ok(completeTask(wf2, c, 'd'));
    assert.deepEqual(again.events.map((e) => e.kind), ['task-completed', 'case-completed'], 'nothing is left to arrive, so the case ends');
    assert.deepEqual(again.case.marking, { out: 2 });
    assert.deepEqual(again.case.discriminators, {});
  });
});
