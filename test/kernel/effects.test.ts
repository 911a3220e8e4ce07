import assert from 'node:assert/strict';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { createKernel } from '../../kernel/api.js';
import { Chain, Client, genesisWith } from './helpers.js';

/** A small ledger: deposit/withdraw with an assert, a conditional bonus, deletion and arithmetic. */
function ledger() {
  const d: CanonicalValue = {
    knhk: 'descriptor/v1', name: 'ledger', version: 1,
    state: { bal: { type: 'map', value: 'int' }, total: { type: 'int', initial: 1000 }, notes: { type: 'map', value: 'string' } },
    commands: {
      deposit: {
        fields: { who: 'string', n: { type: 'int', min: 1 } },
        effects: [
          { incr: 'bal', key: { field: 'who' }, by: { field: 'n' } },
          { incr: 'total', by: { field: 'n' } },
          { if: { gt: [{ field: 'n' }, 100] }, then: [{ incr: 'bal', key: { field: 'who' }, by: 1 }], else: [] },
        ],
        output: { state: 'bal', key: { field: 'who' } },
      },
      withdraw: {
        fields: { who: 'string', n: { type: 'int', min: 1 } },
        effects: [
          { assert: { ge: [{ coalesce: [{ state: 'bal', key: { field: 'who' } }, 0] }, { field: 'n' }] }, reason: 'insufficient balance' },
          { set: 'bal', key: { field: 'who' }, value: { sub: [{ state: 'bal', key: { field: 'who' } }, { field: 'n' }] } },
        ],
        output: { state: 'bal', key: { field: 'who' } },
      },
      square: { fields: { n: 'int' }, output: { mul: [{ field: 'n' }, { field: 'n' }] } },
      note: {
        fields: { who: 'string', text: { type: 'string', optional: true } },
        effects: [{ if: { exists: { state: 'notes', key: { field: 'who' } } }, then: [{ delete: 'notes', key: { field: 'who' } }], else: [{ set: 'notes', key: { field: 'who' }, value: { concat: [{ field: 'who' }, ': ', { coalesce: [{ field: 'text' }, '-'] }] } }] }],
        output: { len: { coalesce: [{ state: 'notes', key: { field: 'who' } }, ''] } },
      },
    },
    rules: [{ id: 'all', when: true, decision: 'ALLOW' }],
  };
  return new Chain(createKernel(genesisWith(d, { u: { commands: ['*'] } })));
}

describe('effects', () => {
  it('incr, conditional effects, asserts and subtraction keep a consistent ledger', () => {
    const c = new Client();
    const r = ledger().apply([
      c.cmd('u', 'deposit', { who: 'a', n: 50 }),
      c.cmd('u', 'deposit', { who: 'a', n: 200 }),
      c.cmd('u', 'withdraw', { who: 'a', n: 300 }),
      c.cmd('u', 'withdraw', { who: 'a', n: 51 }),
      c.cmd('u', 'withdraw', { who: 'nobody', n: 1 }),
    ]);
    assert.deepEqual(r.receipts.map((x) => [x.result, x.output]), [['ok', 50], ['ok', 251], ['failed', null], ['ok', 200], ['failed', null]]);
    assert.equal(r.receipts[2].reason, 'insufficient balance');
  });

  it('a failed effect list leaves no partial writes (first effect undone with the rest)', () => {
    const c = new Client();
    const chain = ledger();
    // deposit of 2^53-1 overflows `total` (initial 1000) after `bal` was already incremented.
    const r = chain.apply([c.cmd('u', 'deposit', { who: 'b', n: Number.MAX_SAFE_INTEGER }), c.cmd('u', 'withdraw', { who: 'b', n: 1 })]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['failed', 'failed']);
    assert.match(r.receipts[0].reason ?? '', /integer overflow/);
    assert.equal(r.receipts[1].reason, 'insufficient balance', 'bal[b] was not written');
  });

  it('arithmetic overflow in an output fails the command', () => {
    const c = new Client();
    const r = ledger().apply([c.cmd('u', 'square', { n: 3 }), c.cmd('u', 'square', { n: 2 ** 30 })]);
    assert.deepEqual(r.receipts.map((x) => [x.result, x.output]), [['ok', 9], ['failed', null]]);
  });

  it('delete, exists, concat, coalesce and len', () => {
    const c = new Client();
    const r = ledger().apply([c.cmd('u', 'note', { who: 'ann', text: 'hi' }), c.cmd('u', 'note', { who: 'ann' }), c.cmd('u', 'note', { who: 'bo' })]);
    assert.deepEqual(r.receipts.map((x) => x.output), ['ann: hi'.length, 0, 'bo: -'.length]);
  });
});
