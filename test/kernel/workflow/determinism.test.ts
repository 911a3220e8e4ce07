// Engine-wide properties: determinism (byte-identical canonical state), no mutation of inputs,
// never throwing on bad input, fuel metering, and invariants under seeded random walks over every
// pattern example.
import assert from 'node:assert/strict';
import { canonicalDecode, canonicalEncode } from '../../../crypto/canonical.js';
import type { CanonicalValue } from '../../../crypto/canonical.js';
import { LIMITS, cancelCase, cancelTask, completeTask, enabledTasks, startCase } from '../../../kernel/workflow/api.js';
import type { CaseState, CompiledWorkflow, StepResult, WorkflowEvent } from '../../../kernel/workflow/api.js';
import { compile, deepFreeze, exampleFiles, loadExample, ok, refused, walk } from './helpers.js';
import { mulberry32 as prng } from '../../support/prng.js';


type Trace = { bytes: Uint8Array[]; events: WorkflowEvent[][] };

/** Walk a case with random enabled tasks, random choices and occasional cancellations. */
function randomWalk(wf: CompiledWorkflow, seed: number, stepsMax = 60): Trace {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  let c: CaseState = deepFreeze(startCase(wf, `case-${seed}`));
  const trace: Trace = { bytes: [canonicalEncode(c)], events: [] };
  for (let i = 0; i < stepsMax && c.status === 'running'; i++) {
    const enabled = enabledTasks(wf, c);
    assert.deepEqual(enabled, [...enabled].sort(), 'enabledTasks is sorted');
    let r: StepResult;
    const roll = rand();
    if (enabled.length === 0 || roll < 0.03) r = cancelCase(wf, c);
    else if (roll < 0.08) r = cancelTask(wf, c, pick(enabled));
    else {
      const task = wf.tasks[pick(enabled)];
      const targets = task.branches.map((b) => b.to);
      const choices = task.split === 'and' ? [] : task.split === 'xor' ? [pick(targets)] : targets.filter(() => rand() < 0.6);
      r = completeTask(wf, c, task.id, { choices });
    }
    if (!r.ok) {
      // Only an OR split given an empty random subset without default, or choices on a non-final instance, may refuse.
      assert.match(r.reason, /choose at least one|last instance/);
      continue;
    }
    checkInvariants(wf, r.case);
    c = deepFreeze(r.case);
    trace.bytes.push(canonicalEncode(c));
    trace.events.push(r.events);
  }
  return trace;
}

function checkInvariants(wf: CompiledWorkflow, c: CaseState): void {
  for (const [place, n] of Object.entries(c.marking)) {
    assert.ok(wf.places.includes(place), `unknown place ${place}`);
    assert.ok(Number.isSafeInteger(n) && n > 0, `token count ${n} on ${place}`);
  }
  if (c.status === 'cancelled') assert.deepEqual(c.marking, {});
  if (c.status === 'completed') assert.deepEqual(Object.keys(c.marking), [wf.end]);
  if (c.status !== 'running') assert.deepEqual(enabledTasks(wf, c), []);
  assert.deepEqual(canonicalDecode(canonicalEncode(c)), c as unknown as CanonicalValue, 'case state round-trips canonically');
}

describe('workflow engine properties', () => {
  const workflows = exampleFiles().map((f) => [f, loadExample(f)] as const);

  it('same steps twice give byte-identical canonical states and events', () => {
    for (const [file, wf] of workflows) {
      for (const seed of [1, 2, 3]) {
        const a = randomWalk(wf, seed);
        const b = randomWalk(wf, seed);
        assert.deepEqual(a.bytes, b.bytes, `${file} seed ${seed}`);
        assert.deepEqual(a.events, b.events);
      }
    }
  });

  it('random walks keep the invariants and never throw (200 walks over all patterns)', () => {
    let completed = 0;
    for (const [, wf] of workflows) {
      for (let seed = 0; seed < 200 / workflows.length; seed++) {
        const t = randomWalk(wf, 1000 + seed);
        const last = canonicalDecode(t.bytes[t.bytes.length - 1]) as { status: string };
        if (last.status === 'completed') completed++;
      }
    }
    assert.ok(completed > 50, `walks must reach the end often enough to mean something (${completed})`);
  });

  it('never mutates the case it is given (frozen inputs)', () => {
    const wf = loadExample('wcp09-structured-discriminator.json');
    const c = walk(wf, ['broadcast', 'vendorA']);
    const before = canonicalEncode(c);
    ok(completeTask(wf, c, 'firstQuote'));
    ok(cancelTask(wf, c, 'vendorB'));
    ok(cancelCase(wf, c));
    assert.deepEqual(canonicalEncode(c), before);
  });

  it('never throws on bad input', () => {
    const wf = loadExample('wcp01-sequence.json');
    const c = walk(wf, []);
    const other = loadExample('wcp08-multi-merge.json');
    refused(completeTask(other, c, 'legal'), /belongs to workflow "sequence", not "review"/);
    refused(completeTask(wf, null as unknown as CaseState, 'register'), /not a workflow case/);
    refused(completeTask(wf, c, 42 as unknown as string), /has no task \(number\)/);
    refused(completeTask(wf, c, 'register', null as unknown as { choices: string[] }), /input must be an object/);
    refused(cancelTask(wf, { ...c, status: 'paused' } as unknown as CaseState, 'register'), /unknown status "paused"/);
    refused(completeTask(wf, { ...c, marking: { received: 1.5 } }, 'register'), /bad token count on "received"/);
    refused(completeTask(wf, { ...c, marking: undefined } as unknown as CaseState, 'register'), /missing part of its state/);
    assert.deepEqual(enabledTasks(wf, { ...c, orJoins: null } as unknown as CaseState), []);
    refused(cancelCase(wf, undefined as unknown as CaseState), /not a workflow case/);
  });

  it('meters fuel and fails cleanly, with no state change, once maxFuel is exceeded', () => {
    const wf = loadExample('wcp02-03-parallel-split-synchronization.json');
    const c = walk(wf, []);
    const full = ok(completeTask(wf, c, 'accept'));
    assert.equal(full.fuelUsed, 4, 'one step, one token taken, two tokens put');
    const short = completeTask(wf, c, 'accept', {}, 3);
    refused(short, /out of fuel/);
    assert.ok(!short.ok && short.fuelUsed <= 3);
    assert.deepEqual(c.marking, { received: 1 });
    ok(completeTask(wf, c, 'accept', {}, 4));
    refused(completeTask(wf, c, 'accept', {}, Number.NaN), /maxFuel must be a non-negative integer/);
    refused(cancelCase(wf, c, -1), /maxFuel must be a non-negative integer/);
  });

  it('a step on a case with many marked places pays for copying it (1 per 16 places)', () => {
    const tasks: Record<string, unknown> = { fan: { split: 'and', next: [] as string[] }, meet: { join: 'and', next: ['out'] } };
    for (let i = 0; i < 40; i++) {
      (tasks.fan as { next: string[] }).next.push(`b${i}`);
      tasks[`b${i}`] = { next: ['meet'] };
    }
    const wf = compile({ start: 'in', end: 'out', conditions: { in: { next: ['fan'] } }, tasks });
    const fanned = ok(completeTask(wf, startCase(wf, 'w'), 'fan'));
    assert.equal(fanned.fuelUsed, 1 + 1 + 40, 'one marked place before the step: no surcharge');
    assert.equal(ok(completeTask(wf, fanned.case, 'b0')).fuelUsed, 3 + 2, '40 marked places: 3 for the step, 2 for the copy');
  });

  it('MI instances and cancellations are charged too', () => {
    const wf = loadExample('wcp13-multiple-instances-design-time.json');
    const c = walk(wf, ['prepare', 'signoff']);
    assert.equal(ok(completeTask(wf, c, 'signoff')).fuelUsed, 1);
    assert.equal(ok(cancelTask(wf, c, 'signoff')).fuelUsed, 1);
  });

  it('bounds the tokens of a case: a loop that leaks tokens is refused at the limit, not grown', () => {
    // Each turn of the a/b loop leaves one more token waiting for c; the cycle is legal (a is an
    // XOR split), the leak is the case's doing, so the engine stops it at LIMITS.tokensMax.
    const wf = compile({
      start: 'in', end: 'out', conditions: { in: { next: ['a'] } },
      tasks: {
        a: { split: 'xor', next: ['b', { to: 'out', default: true }] },
        b: { split: 'and', next: ['a', 'c'] },
        c: { next: ['out'] },
      },
    });
    let c = startCase(wf, 'leak');
    let refusal = '';
    for (let i = 0; i < LIMITS.tokensMax + 2 && refusal === ''; i++) {
      c = ok(completeTask(wf, c, 'a', { choices: ['b'] })).case;
      const r = completeTask(wf, c, 'b');
      if (r.ok) c = r.case;
      else refusal = r.reason;
    }
    assert.match(refusal, /would hold more than 4096 tokens/);
    assert.equal(Object.values(c.marking).reduce((x, y) => x + y, 0), LIMITS.tokensMax);
  });
});
