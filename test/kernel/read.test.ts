import assert from 'node:assert/strict';
import { applyBatch, readState, StateReadError, stateRoot } from '../../kernel/api.js';
import { Client, governanceKernel, kvKernel } from './helpers.js';

describe('kernel readState (local reads)', () => {
  it('reads what a get would return: the value after a put, null for an absent key', () => {
    const c = new Client();
    let state = kvKernel();
    assert.equal(readState(state, 'kv', 'a'), null);
    const r = applyBatch(state, [c.cmd('alice', 'put', { key: 'a', value: 'one' }), c.cmd('bob', 'get', { key: 'a' })], { height: 1 });
    state = r.state;
    assert.equal(readState(state, 'kv', 'a'), 'one');
    assert.equal(r.receipts[1]?.output, 'one');
    assert.equal(readState(state, 'kv', 'b'), null);
  });

  it('does not change the state root', () => {
    const state = kvKernel();
    const before = stateRoot(state);
    readState(state, 'kv', 'x');
    assert.deepEqual(stateRoot(state), before);
  });

  it('refuses undeclared state, a key on a map-less read, and internal bookkeeping names', () => {
    const kv = kvKernel();
    assert.throws(() => readState(kv, 'nope', 'a'), StateReadError);
    assert.throws(() => readState(kv, 'kv'), /needs a key/);
    assert.throws(() => readState(kv, 'kv', 'x'.repeat(100_000)), /longer than/);
    assert.throws(() => readState(kv, 'm/tip'), StateReadError);
    const gov = governanceKernel();
    assert.throws(() => readState(gov, 's/agent'), StateReadError);
  });
});
