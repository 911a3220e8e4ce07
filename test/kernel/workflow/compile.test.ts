// The workflow compiler: every rule gives one clear error naming the path in the document.
import assert from 'node:assert/strict';
import { compileWorkflow, compileWorkflows } from '../../../kernel/workflow/api.js';
import type { WorkflowCompileError } from '../../../kernel/workflow/api.js';

const P = 'workflows.w';

/** A valid base: in -> a -> b -> out. Tests patch it. */
function base(): Record<string, any> { // any: tests patch arbitrary shapes into the document on purpose
  return {
    start: 'in',
    end: 'out',
    conditions: { in: { next: ['a'] } },
    tasks: { a: { next: ['b'] }, b: { next: ['out'] } },
  };
}

function errorsOf(def: unknown): WorkflowCompileError[] {
  const r = compileWorkflow(def, P);
  if (r.ok) assert.fail('expected compile errors, it compiled');
  return r.errors;
}

function expectError(def: unknown, path: string, message: RegExp): void {
  const errors = errorsOf(def);
  const hit = errors.find((e) => e.path === path && message.test(e.message));
  assert.ok(hit, `no error at ${path} matching ${message}; got ${JSON.stringify(errors)}`);
}

describe('workflow compiler', () => {
  it('compiles the base net into sorted tasks, places and inputs', () => {
    const r = compileWorkflow(base(), P);
    assert.ok(r.ok);
    assert.equal(r.workflow.name, 'w');
    assert.deepEqual(r.workflow.taskIds, ['a', 'b']);
    assert.deepEqual(r.workflow.places, ['a->b', 'in', 'out']);
    assert.deepEqual(r.workflow.tasks.b.inputs, ['a->b']);
    assert.ok(Object.isFrozen(r.workflow.tasks.a), 'compiled once, read-only afterwards');
  });

  it('rejects a non-object and missing start/end', () => {
    expectError(null, P, /expected a workflow object, got null/);
    expectError({ tasks: {} }, `${P}.start`, /expected an id/);
  });

  it('rejects unknown fields at every level', () => {
    expectError({ ...base(), owner: 'x' }, `${P}.owner`, /unknown field "owner"/);
    const d = base();
    d.tasks.a.color = 'red';
    d.conditions.in.extra = 1;
    d.tasks.b.next = [{ to: 'out', weight: 2 }];
    const errors = errorsOf(d);
    assert.deepEqual(errors.map((e) => e.path), [`${P}.tasks.a.color`, `${P}.tasks.b.next[0].weight`, `${P}.conditions.in.extra`]);
  });

  it('rejects type errors with the path', () => {
    const d = base();
    d.tasks.a.join = 'maybe';
    d.tasks.a.split = 3;
    d.tasks.b.instances = 0;
    d.tasks.b.next = 'out';
    const paths = errorsOf(d).map((e) => e.path);
    assert.deepEqual(paths, [`${P}.tasks.a.join`, `${P}.tasks.a.split`, `${P}.tasks.b.instances`, `${P}.tasks.b.next`]);
    const d2 = base();
    d2.tasks.b.instances = 2.5;
    expectError(d2, `${P}.tasks.b.instances`, /integer 1\.\.1000, got number 2.5/);
    const d3 = base();
    d3.tasks.b.next = [{ to: 'out', default: 'yes' }];
    expectError(d3, `${P}.tasks.b.next[0].default`, /expected a boolean/);
  });

  it('rejects bad ids, including prototype keys', () => {
    const d = base();
    d.tasks['bad id'] = { next: ['out'] };
    expectError(d, `${P}.tasks.bad id`, /expected an id/);
    const d2 = JSON.parse('{"start":"in","end":"out","conditions":{"in":{"next":["a"]}},"tasks":{"a":{"next":["out"]},"__proto__":{"next":["out"]}}}');
    expectError(d2, `${P}.tasks.__proto__`, /expected an id/);
  });

  it('rejects references to undefined nodes', () => {
    const d = base();
    d.tasks.b.next = ['out', 'ghost'];
    expectError(d, `${P}.tasks.b.next[1]`, /"ghost" is not a task or condition/);
    const d2 = base();
    d2.tasks.a.milestone = 'nowhere';
    expectError(d2, `${P}.tasks.a.milestone`, /"nowhere" is not a condition/);
    const d3 = base();
    d3.tasks.a.cancels = ['b', 'phantom'];
    expectError(d3, `${P}.tasks.a.cancels[1]`, /"phantom" is not a task or condition/);
    const d4 = base();
    d4.start = 'elsewhere';
    expectError(d4, `${P}.start`, /must be a condition declared under conditions/);
  });

  it('bounds the size of a net', () => {
    const tasks: Record<string, unknown> = {};
    const names = Array.from({ length: 60 }, (_, i) => `t${i}`);
    for (const n of names) tasks[n] = { split: 'xor', next: [...names.filter((m) => m !== n).slice(0, 40), 'out'] };
    expectError({ start: 'in', end: 'out', conditions: { in: { next: ['t0'] } }, tasks }, P, /at most 2048 arcs, got 2461/);
  });

  it('rejects duplicate ids and duplicate arcs', () => {
    const d = base();
    d.conditions.a = { next: ['b'] };
    expectError(d, `${P}.conditions.a`, /duplicate id "a": already a task/);
    const d2 = base();
    d2.tasks.a.next = ['b', 'b'];
    expectError(d2, `${P}.tasks.a.next[1]`, /"b" is listed twice/);
  });

  it('rejects arcs that break the net shape', () => {
    const d = base();
    d.conditions.mid = { next: ['out'] };
    expectError(d, `${P}.conditions.mid.next[0]`, /expected a task id|a condition may only lead to tasks/);
    const d2 = base();
    d2.tasks.b.next = ['in'];
    expectError(d2, `${P}.tasks.b.next`, /nothing may lead back to the start condition/);
    const d3 = base();
    d3.conditions.out = { next: ['a'] };
    expectError(d3, `${P}.conditions.out.next`, /end condition has no outgoing arcs/);
    const d4 = base();
    d4.tasks.b.next = [];
    expectError(d4, `${P}.tasks.b.next`, /needs at least one target/);
  });

  it('rejects unreachable nodes and nodes with no path to the end', () => {
    const d = base();
    d.tasks.orphan = { next: ['out'] };
    expectError(d, `${P}.tasks.orphan`, /"orphan" is not reachable from the start condition "in"/);
    const d2 = base();
    d2.tasks.a = { split: 'xor', next: ['b', 'spin'] };
    d2.tasks.spin = { split: 'xor', next: ['spin2'] };
    d2.tasks.spin2 = { split: 'xor', next: ['spin'] };
    expectError(d2, `${P}.tasks.spin`, /no path from "spin" to the end condition "out"/);
  });

  it('forbids a cycle without an exclusive choice on it', () => {
    const d = base();
    d.tasks.a = { join: 'xor', next: ['b'] };
    d.tasks.b = { split: 'and', next: ['a', 'out'] };
    expectError(d, `${P}.tasks.a`, /cycle through "a", "b" has no exclusive choice/);
  });

  it('allows a loop through an XOR back edge or a deferred-choice condition', () => {
    const d = base();
    d.tasks.b = { split: 'xor', next: ['a', { to: 'out', default: true }] };
    assert.ok(compileWorkflow(d, P).ok);
    const d2 = base();
    d2.conditions.again = { next: ['a', 'b'] };
    d2.tasks.a = { next: ['again'] };
    d2.tasks.b = { next: ['out', 'again'], split: 'xor' };
    const r = compileWorkflow(d2, P);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });

  it('checks join and split arity and flags', () => {
    const d = base();
    d.tasks.b.join = 'discriminator';
    expectError(d, `${P}.tasks.b.join`, /"discriminator" join needs at least two incoming arcs/);
    const d2 = base();
    d2.tasks.a = { split: 'and', next: [{ to: 'b', default: true }] };
    expectError(d2, `${P}.tasks.a.next[0]`, /AND split takes every branch/);
    const d3 = base();
    d3.tasks.a = { split: 'xor', next: [{ to: 'b', default: true }, { to: 'out', default: true }] };
    expectError(d3, `${P}.tasks.a.next`, /at most one default/);
  });

  it('pairs every OR join with exactly one OR split of matching arity', () => {
    const orNet = () => ({
      start: 'in', end: 'out', conditions: { in: { next: ['s'] } },
      tasks: {
        s: { split: 'or', orJoin: 'j', next: ['x', 'y'] } as Record<string, unknown>,
        x: { next: ['j'] }, y: { next: ['j'] }, j: { join: 'or', next: ['out'] } as Record<string, unknown>,
      },
    });
    assert.ok(compileWorkflow(orNet(), P).ok);
    const d = orNet();
    delete d.tasks.s.orJoin;
    expectError(d, `${P}.tasks.j.join`, /needs an OR split that names it in "orJoin"/);
    const d2 = orNet();
    d2.tasks.s.split = 'and';
    expectError(d2, `${P}.tasks.s.orJoin`, /needs "split": "or"/);
    const d3 = orNet();
    d3.tasks.s.next = ['x', 'y', 'out'];
    expectError(d3, `${P}.tasks.s.orJoin`, /has 3 branches but its OR join "j" has 2 incoming arcs/);
    const d4 = orNet();
    d4.tasks.j.join = 'and';
    expectError(d4, `${P}.tasks.s.orJoin`, /must have "join": "or"/);
  });

  it('requires the OR block to be closed: no exit around the join, no entry from outside', () => {
    const exit = {
      start: 'in', end: 'out', conditions: { in: { next: ['s'] } },
      tasks: {
        s: { split: 'or', orJoin: 'j', next: ['x', 'y'] },
        x: { split: 'xor', next: ['j', 'out'] }, y: { next: ['j'] }, j: { join: 'or', next: ['out'] },
      },
    };
    expectError(exit, `${P}.tasks.s.orJoin`, /a path from OR split "s" reaches the end without passing its OR join "j"/);
    const entry = {
      start: 'in', end: 'out', conditions: { in: { next: ['a'] } },
      tasks: {
        a: { split: 'and', next: ['s', 'y'] },
        s: { split: 'or', orJoin: 'j', next: ['x', 'y'] },
        x: { next: ['j'] }, y: { next: ['j'] }, j: { join: 'or', next: ['out'] },
      },
    };
    expectError(entry, `${P}.tasks.s.orJoin`, /"a" enters the block of OR split "s" \/ OR join "j" from outside \(at "y"\)/);
  });

  it('forbids an OR join or a discriminator on a cycle', () => {
    const d = {
      start: 'in', end: 'out', conditions: { in: { next: ['s'] } },
      tasks: {
        s: { split: 'and', next: ['x', 'y'] }, x: { next: ['d'] }, y: { next: ['d'] },
        d: { join: 'discriminator', split: 'xor', next: ['x', { to: 'out', default: true }] },
      },
    };
    expectError(d, `${P}.tasks.d.join`, /"discriminator" join may not lie on a cycle/);
  });

  it('compileWorkflows compiles a section and collects errors from every workflow', () => {
    const good = compileWorkflows({ one: base(), two: base() });
    assert.ok(good.ok);
    assert.deepEqual(Object.keys(good.workflows), ['one', 'two']);
    const bad = compileWorkflows({ one: { ...base(), x: 1 }, two: { ...base(), y: 2 } });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.errors.map((e) => e.path), ['workflows.one.x', 'workflows.two.y']);
    assert.ok(!compileWorkflows([]).ok);
  });

  it('error order does not depend on JSON key order', () => {
    const a = base();
    a.tasks = { b: { next: ['out'], q: 1 }, a: { next: ['b'], p: 1 } };
    const b = base();
    b.tasks = { a: { next: ['b'], p: 1 }, b: { next: ['out'], q: 1 } };
    assert.deepEqual(errorsOf(a), errorsOf(b));
  });
});
