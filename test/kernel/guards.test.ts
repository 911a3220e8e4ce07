import assert from 'node:assert/strict';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { createKernel } from '../../kernel/api.js';
import { Chain, Client, genesisWith } from './helpers.js';

/** A one-command descriptor whose single rule uses `when`; `check` is ALLOWed iff the guard holds. */
function kernelFor(when: CanonicalValue, fuel = 1000) {
  return createKernel(
    genesisWith(
      {
        knhk: 'descriptor/v1',
        name: 'guards',
        version: 1,
        state: { n: { type: 'int' }, tags: { type: 'map', value: 'string' } },
        limits: { twoPerWindow: { max: 2, windowHeights: 5, per: 'global' } },
        commands: {
          check: {
            fields: { a: { type: 'int', optional: true }, b: { type: 'int', optional: true }, s: { type: 'string', optional: true } },
            fuel,
            effects: [{ incr: 'n' }],
            output: { state: 'n' },
          },
          peek: { output: { state: 'n' } },
        },
        rules: [
          { id: 'gate', commands: ['check'], when, decision: 'ALLOW', risk: 'low' },
          { id: 'peek', commands: ['peek'], when: true, decision: 'ALLOW' },
        ],
      },
      { p: { commands: ['*'], roles: ['auditor'] } },
    ),
  );
}

function allowed(when: CanonicalValue, fields: Record<string, CanonicalValue> = {}): boolean {
  const r = new Chain(kernelFor(when)).apply([{ principal: 'p', seq: 1, type: 'check', fields }]);
  return r.receipts[0].result === 'ok';
}

const T = { eq: [1, 1] };
const F = { eq: [1, 2] };

describe('guards', () => {
  it('AND / OR / XOR / NOT follow their truth tables', () => {
    for (const [a, b] of [[T, T], [T, F], [F, T], [F, F]]) {
      const va = a === T;
      const vb = b === T;
      assert.equal(allowed({ all: [a, b] }), va && vb);
      assert.equal(allowed({ any: [a, b] }), va || vb);
      assert.equal(allowed({ xor: [a, b] }), va !== vb);
      assert.equal(allowed({ not: a }), !va);
    }
  });

  it('compares fields, context, roles and capabilities', () => {
    assert.equal(allowed({ lt: [{ field: 'a' }, { field: 'b' }] }, { a: 1, b: 2 }), true);
    assert.equal(allowed({ ge: [{ field: 'a' }, { field: 'b' }] }, { a: 1, b: 2 }), false);
    assert.equal(allowed({ eq: [{ ctx: 'principal' }, 'p'] }), true);
    assert.equal(allowed({ hasRole: 'auditor' }), true);
    assert.equal(allowed({ hasRole: 'admin' }), false);
    assert.equal(allowed({ can: 'anything' }), true, 'the * capability covers every descriptor command');
    assert.equal(allowed({ in: [{ field: 's' }, ['x', 'y']] }, { s: 'y' }), true);
    assert.equal(allowed({ startsWith: [{ field: 's' }, 'pro'] }, { s: 'prod' }), true);
  });

  it('short-circuits: the right side of a decided AND/OR is never evaluated', () => {
    // Comparing null (an absent optional field) with `lt` fails the command if evaluated.
    const bomb = { lt: [{ field: 'a' }, 1] };
    assert.equal(allowed({ any: [T, bomb] }), true);
    assert.equal(allowed({ all: [F, bomb] }), false);
    const r = new Chain(kernelFor({ all: [T, bomb] })).apply([{ principal: 'p', seq: 1, type: 'check', fields: {} }]);
    assert.equal(r.receipts[0].result, 'failed');
    assert.match(r.receipts[0].reason ?? '', /ordering needs two integers/);
    assert.equal(r.receipts[0].ruleId, 'kernel.guard');
  });

  it('reads state and counters: a guard over state sees earlier commands of the batch', () => {
    const chain = new Chain(kernelFor({ lt: [{ state: 'n' }, 2] }));
    const c = new Client();
    const r = chain.apply([c.cmd('p', 'check', {}), c.cmd('p', 'check', {}), c.cmd('p', 'check', {})]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['ok', 'ok', 'denied']);
    assert.deepEqual(r.receipts.map((x) => x.output), [1, 2, null]);
  });

  it('limits: at most N per window of heights', () => {
    const c = new Client();
    // The rule only reads the limit; consume it in the effects to count.
    const chain2 = new Chain(
      createKernel(
        genesisWith(
          {
            knhk: 'descriptor/v1', name: 'lim', version: 1,
            limits: { twoPerWindow: { max: 2, windowHeights: 5, per: 'global' } },
            commands: { hit: { effects: [{ consume: 'twoPerWindow' }], output: { used: 'twoPerWindow' } } },
            rules: [{ id: 'gate', when: { withinLimit: 'twoPerWindow' }, decision: 'ALLOW' }],
          },
          { p: { commands: ['hit'] }, q: { commands: ['hit'] } },
        ),
      ),
    );
    const r1 = chain2.apply([c.cmd('p', 'hit', {}), c.cmd('q', 'hit', {}), c.cmd('p', 'hit', {})], 5);
    assert.deepEqual(r1.receipts.map((x) => x.result), ['ok', 'ok', 'denied']);
    assert.deepEqual(r1.receipts.map((x) => x.output), [1, 2, null]);
    const r2 = chain2.apply([c.cmd('p', 'hit', {})], 9);
    assert.equal(r2.receipts[0].result, 'denied', 'heights 5..9 are one window');
    const r3 = chain2.apply([c.cmd('p', 'hit', {})], 10);
    assert.equal(r3.receipts[0].result, 'ok');
  });

  it('a command that runs out of fuel fails cleanly: state unchanged, receipt says so', () => {
    const deep = { all: Array.from({ length: 30 }, () => T) };
    const chain = new Chain(kernelFor(deep, 40));
    chain.apply([]);
    const c = new Client();
    const r = chain.apply([c.cmd('p', 'check', {})]);
    assert.equal(r.receipts[0].result, 'failed');
    assert.equal(r.receipts[0].reason, 'out of fuel');
    assert.equal(r.receipts[0].fuelUsed, 40);
    // The effect (incr n) did not happen.
    const peek = chain.apply([c.cmd('p', 'peek', {})]);
    assert.equal(peek.receipts[0].output, 0);
  });

  it('charges the same fuel on every run (fuel is part of the receipt)', () => {
    const when = { any: [F, { all: [T, { not: F }] }] };
    const a = new Chain(kernelFor(when)).apply([{ principal: 'p', seq: 1, type: 'check', fields: {} }]);
    const b = new Chain(kernelFor(when)).apply([{ principal: 'p', seq: 1, type: 'check', fields: {} }]);
    assert.equal(a.receipts[0].fuelUsed, b.receipts[0].fuelUsed);
    assert.ok(a.receipts[0].fuelUsed > 5);
  });
});

describe('guards and prototype names', () => {
  it('an absent optional field named like an Object member reads as null', () => {
    const k = createKernel(
      genesisWith(
        {
          knhk: 'descriptor/v1', name: 'proto', version: 1,
          commands: { check: { fields: { toString: { type: 'string', optional: true } }, output: { coalesce: [{ field: 'toString' }, 'absent'] } } },
          rules: [{ id: 'all', when: true, decision: 'ALLOW' }],
        },
        { p: { commands: ['check'] } },
      ),
    );
    const r = new Chain(k).apply([{ principal: 'p', seq: 1, type: 'check', fields: {} }]);
    assert.equal(r.receipts[0].output, 'absent');
  });

  it('ctx accepts only its own names', () => {
    assert.throws(
      () => kernelFor({ eq: [{ ctx: 'toString' }, 'x'] }),
      /ctx must be one of principal, height, seq, type/,
    );
  });
});
