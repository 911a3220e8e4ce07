import assert from 'node:assert/strict';
import { allFaultClasses, parseFaultClasses, planFaults } from '../../sim/faults.js';
import { SafetyChecker, checkLiveness, type CommitRecord } from '../../sim/checkers.js';
import type { HistoryOp } from '../../sim/history.js';

describe('sim/faults', () => {
  it('parses fault lists, all and none, and rejects unknown names', () => {
    assert.deepEqual(parseFaultClasses('dup,loss'), ['loss', 'dup']);
    assert.deepEqual(parseFaultClasses('all'), [...allFaultClasses]);
    assert.deepEqual(parseFaultClasses('none'), []);
    assert.deepEqual(parseFaultClasses(undefined), []);
    assert.throws(() => parseFaultClasses('loss,meteor'), /unknown fault class "meteor"/);
  });

  it('draws the same plan from the same seed and keeps faults inside the window', () => {
    const input = { seed: 9, nodes: 7, byzantine: 2, classes: parseFaultClasses('all'), faultWindowMs: 4000 };
    const a = planFaults(input);
    assert.deepEqual(a, planFaults(input));
    assert.notDeepEqual(a, planFaults({ ...input, seed: 10 }));
    assert.ok(a.faultEndMs <= 4000);
    for (const c of a.crashes) {
      assert.ok(c.node < 5, 'only honest replicas crash');
      assert.ok(c.atMs < c.restartMs && c.restartMs <= 4000);
    }
    assert.deepEqual(a.byzantine.map((b) => b.node), [5, 6]);
    assert.ok(a.drift.every((d) => d >= 0.8 && d <= 1.25));
    // Crashes never overlap: at most one honest replica is down at a time.
    for (let i = 1; i < a.crashes.length; i++) assert.ok(a.crashes[i].atMs > a.crashes[i - 1].restartMs);
  });

  it('gives Byzantine replicas without a Byzantine class the withholding behaviour', () => {
    const p = planFaults({ seed: 1, nodes: 4, byzantine: 1, classes: ['loss'], faultWindowMs: 1000 });
    assert.deepEqual(p.byzantine, [{ node: 3, behaviours: ['withhold'] }]);
  });
});

function rec(replica: number, height: number, blockHash: string, over: Partial<CommitRecord> = {}): CommitRecord {
  return { replica, height, atMs: height, blockHash, commands: [], stateRoot: 's' + blockHash, receiptsRoot: 'r' + blockHash, receiptChainHead: 'c' + blockHash, ...over };
}

describe('sim/checkers', () => {
  it('accepts replicas that agree', () => {
    const c = new SafetyChecker();
    c.noteSubmitted('alice', 1, 'd1');
    for (const r of [0, 1, 2]) {
      c.onCommit(rec(r, 1, 'aa', { commands: [{ client: 'alice', seq: 1, content: 'd1' }] }));
      c.onCommit(rec(r, 2, 'bb'));
    }
    assert.equal(c.violationCount, 0);
    assert.equal(c.highestCommitted, 2);
  });

  it('catches two different blocks at one height (agreement)', () => {
    const c = new SafetyChecker();
    c.onCommit(rec(0, 1, 'aa'));
    c.onCommit(rec(1, 1, 'ab'));
    assert.equal(c.violations[0].kind, 'agreement');
  });

  it('catches different state roots for the same block (execution)', () => {
    const c = new SafetyChecker();
    c.onCommit(rec(0, 1, 'aa'));
    c.onCommit(rec(1, 1, 'aa', { stateRoot: 'other' }));
    assert.equal(c.violations[0].kind, 'execution');
  });

  it('catches a command no client submitted, or submitted differently (validity)', () => {
    const c = new SafetyChecker();
    c.noteSubmitted('alice', 1, 'd1');
    c.onCommit(rec(0, 1, 'aa', { commands: [{ client: 'mallory', seq: 1, content: 'x' }, { client: 'alice', seq: 1, content: 'changed' }] }));
    assert.deepEqual(c.violations.map((v) => v.kind), ['validity', 'validity']);
  });

  it('checks every replica\'s commands, not only the first replica\'s, at each height (validity)', () => {
    const c = new SafetyChecker();
    c.noteSubmitted('alice', 1, 'd1');
    c.noteSubmitted('bob', 1, 'd2');
    c.onCommit(rec(0, 1, 'aa', { commands: [{ client: 'alice', seq: 1, content: 'd1' }, { client: 'bob', seq: 1, content: 'd2' }] }));
    c.onCommit(rec(1, 1, 'aa', { commands: [{ client: 'alice', seq: 1, content: 'd1' }, { client: 'bob', seq: 1, content: 'd2' }] }));
    assert.equal(c.violationCount, 0);
    // Same block hash, but the replica's record differs from the first one: checked afresh.
    c.onCommit(rec(2, 1, 'aa', { commands: [{ client: 'alice', seq: 1, content: 'd1' }, { client: 'bob', seq: 1, content: 'forged' }, { client: 'eve', seq: 9, content: 'x' }] }));
    assert.deepEqual(c.violations.map((v) => v.kind), ['validity', 'validity']);
    // A first record's invalid command is never taken as a reference for later records.
    const d = new SafetyChecker();
    d.onCommit(rec(0, 1, 'aa', { commands: [{ client: 'mallory', seq: 1, content: 'x' }] }));
    d.onCommit(rec(1, 1, 'aa', { commands: [{ client: 'mallory', seq: 1, content: 'x' }] }));
    assert.equal(d.violationCount, 2);
  });

  it('catches a gap in a replica\'s committed heights (order)', () => {
    const c = new SafetyChecker();
    c.onCommit(rec(0, 1, 'aa'));
    c.onCommit(rec(0, 3, 'cc'));
    assert.equal(c.violations[0].kind, 'order');
  });

  const op = (invoke: number, complete: number | null): HistoryOp => ({ client: 'c', seq: invoke, op: 'get', key: 'k', value: null, invoke, complete, result: null });

  it('liveness: passes when everything completes within the bound after the faults heal', () => {
    assert.equal(checkLiveness([op(0, 10), op(20, 5500)], 2, 5000, 1000).ok, true);
  });

  it('liveness: fails on a pending, a never-started or a late operation', () => {
    assert.equal(checkLiveness([op(0, 10), op(20, null)], 2, 5000, 1000).ok, false);
    assert.equal(checkLiveness([op(0, 10)], 2, 5000, 1000).ok, false);
    assert.equal(checkLiveness([op(0, 10), op(20, 7000)], 2, 5000, 1000).ok, false);
  });
});
