import assert from 'node:assert/strict';
import { bytesEqual } from '../../crypto/bytes.js';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { activeDescriptorInfo, descriptorHash, governancePayload, stateRoot, type KernelCommand } from '../../kernel/api.js';
import { Chain, Client, example, kvKernel } from './helpers.js';

/** kv v2: adds `del` and a counter; same `kv` map, so it is compatible. */
function kvV2(): Record<string, CanonicalValue> {
  const d = structuredClone(example('kv')) as Record<string, any>;
  d.version = 2;
  d.state.writes = { type: 'int' };
  d.commands.put.effects.push({ incr: 'writes' });
  d.commands.del = { fields: { key: 'string' }, effects: [{ delete: 'kv', key: { field: 'key' } }] };
  d.rules[0].commands.push('del');
  return d;
}

describe('descriptor governance', () => {
  const two = ['admin-a', 'admin-b'];

  it('installs with m-of-n admin signers and refuses too few, non-admin or duplicate signers', () => {
    const c = new Client();
    const chain = new Chain(kvKernel(['alice', 'gov']));
    const d = kvV2();
    const r = chain.apply([
      c.cmd('gov', 'gov.install', { descriptor: d }, ['admin-a']),
      c.cmd('gov', 'gov.install', { descriptor: d }, ['admin-a', 'admin-a', 'mallory']),
      c.cmd('gov', 'gov.install', { descriptor: d }, two),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['denied', 'denied', 'ok']);
    assert.match(r.receipts[0].reason ?? '', /needs 2 of 3 admin signatures, got 1/);
    assert.match(r.receipts[1].reason ?? '', /got 1 valid/);
    assert.deepEqual((r.receipts[2].output as Record<string, CanonicalValue>).descriptorHash, descriptorHash(d));
    const info = activeDescriptorInfo(chain.state);
    assert.equal(info.version, 1, 'installing does not activate');
    assert.equal(info.latestVersion, 2);
  });

  it('rejects a descriptor that does not compile, or skips a version, with the compile errors in the reason', () => {
    const c = new Client();
    const chain = new Chain(kvKernel(['gov']));
    const broken = { ...kvV2(), rules: 'none' };
    const skip = { ...kvV2(), version: 3 };
    const r = chain.apply([c.cmd('gov', 'gov.install', { descriptor: broken }, two), c.cmd('gov', 'gov.install', { descriptor: skip }, two)]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['failed', 'failed']);
    assert.match(r.receipts[0].reason ?? '', /rules: must be a list/);
    assert.match(r.receipts[1].reason ?? '', /version must be 2/);
    assert.equal(activeDescriptorInfo(chain.state).latestVersion, 1);
  });

  it('refuses an incompatible state schema', () => {
    const c = new Client();
    const chain = new Chain(kvKernel(['gov']));
    const d = kvV2() as Record<string, any>;
    d.state.kv = { type: 'map', value: 'int' };
    d.commands.put.effects[0].value = 1;
    const r = chain.apply([c.cmd('gov', 'gov.install', { descriptor: d }, two)]);
    assert.match(r.receipts[0].reason ?? '', /state "kv" is a map of string in version 1/);
  });

  it('swaps at the stated height, for a whole batch, and rolls back', () => {
    const c = new Client();
    const chain = new Chain(kvKernel(['alice', 'gov'], ['*']));
    const d = kvV2();
    const h = descriptorHash(d);
    chain.apply([c.cmd('gov', 'gov.install', { descriptor: d }, two)]); // height 1
    const sched = chain.apply([
      c.cmd('gov', 'gov.swap', { version: 2, atHeight: 5, descriptorHash: new Uint8Array(32) }, two),
      c.cmd('gov', 'gov.swap', { version: 2, atHeight: 2, descriptorHash: h }, two),
      c.cmd('gov', 'gov.swap', { version: 2, atHeight: 5, descriptorHash: h }, two),
      c.cmd('gov', 'gov.swap', { version: 2, atHeight: 6, descriptorHash: h }, two),
    ]); // height 2
    assert.deepEqual(sched.receipts.map((x) => x.result), ['failed', 'failed', 'ok', 'failed']);
    assert.match(sched.receipts[0].reason ?? '', /does not match/);
    assert.match(sched.receipts[1].reason ?? '', /above the current height 2/);
    assert.match(sched.receipts[3].reason ?? '', /already pending/);

    const before = chain.apply([c.cmd('alice', 'del', { key: 'k' })], 4);
    assert.equal(before.receipts[0].reason, 'unknown command type "del" in descriptor kv v1');
    const at = chain.apply([c.cmd('alice', 'put', { key: 'k', value: 'v' }), c.cmd('alice', 'del', { key: 'k' })], 5);
    assert.deepEqual(at.receipts.map((x) => [x.result, x.descriptorVersion]), [['ok', 2], ['ok', 2]]);
    assert.ok(bytesEqual(at.receipts[0].descriptorHash, h));

    const v1 = descriptorHash(example('kv'));
    const rb = chain.apply([c.cmd('gov', 'gov.rollback', { version: 1, atHeight: 7, descriptorHash: v1 }, two)], 6);
    assert.equal(rb.receipts[0].result, 'ok');
    const after = chain.apply([c.cmd('alice', 'del', { key: 'k' })], 7);
    assert.equal(after.receipts[0].descriptorVersion, 1);
    assert.equal(after.receipts[0].result, 'failed');
    const hist = activeDescriptorInfo(chain.state).history.map((e) => `${e.height}:${e.action}:${e.version}`);
    assert.deepEqual(hist, ['0:genesis:1', '1:installed:2', '2:swap-scheduled:2', '5:activated:2', '6:rollback-scheduled:1', '7:rolled-back:1']);
  });

  it('grants and revokes capabilities', () => {
    const c = new Client();
    const chain = new Chain(kvKernel(['gov']));
    const r = chain.apply([
      c.cmd('carol', 'put', { key: 'a', value: 'b' }),
      c.cmd('gov', 'gov.grant', { principal: 'carol', commands: ['put'] }, two),
      c.cmd('carol', 'put', { key: 'a', value: 'b' }),
      c.cmd('carol', 'get', { key: 'a' }),
      c.cmd('gov', 'gov.revoke', { principal: 'carol' }, two),
      c.cmd('carol', 'put', { key: 'a', value: 'c' }),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['denied', 'ok', 'ok', 'denied', 'ok', 'denied']);
  });

  it('binds the signed payload to chain, submitter, sequence number and descriptor hash', () => {
    const cmd: KernelCommand = { principal: 'gov', seq: 1, type: 'gov.install', fields: { descriptor: kvV2() } };
    const p = governancePayload('chain-1', cmd)!;
    assert.equal(p.length, 32);
    assert.ok(bytesEqual(p, governancePayload('chain-1', { ...cmd, signers: ['x'] })!), 'signers are not signed over');
    assert.ok(!bytesEqual(p, governancePayload('chain-2', cmd)!));
    assert.ok(!bytesEqual(p, governancePayload('chain-1', { ...cmd, seq: 2 })!));
    assert.ok(!bytesEqual(p, governancePayload('chain-1', { ...cmd, principal: 'other' })!));
    assert.ok(!bytesEqual(p, governancePayload('chain-1', { ...cmd, fields: { descriptor: example('kv') } })!));
    assert.equal(governancePayload('chain-1', { principal: 'a', seq: 1, type: 'put', fields: {} }), null);
  });

  it('a failed governance command leaves no partial state', () => {
    const c1 = new Client();
    const c2 = new Client();
    const a = new Chain(kvKernel(['gov']));
    const b = new Chain(kvKernel(['gov']));
    // Same bookkeeping (one command from gov at seq 1), one fails validation, the other is a no-op-ish failure.
    a.apply([c1.cmd('gov', 'gov.swap', { version: 9, atHeight: 9, descriptorHash: new Uint8Array(32) }, two)]);
    b.apply([c2.cmd('gov', 'gov.swap', { version: 8, atHeight: 9, descriptorHash: new Uint8Array(32) }, two)]);
    assert.equal(a.last.receipts[0].result, 'failed');
    // Different receipts (so different chain heads) but both states hold no pending swap.
    assert.equal(activeDescriptorInfo(a.state).pendingSwap, null);
    assert.equal(activeDescriptorInfo(b.state).pendingSwap, null);
    assert.notDeepEqual(stateRoot(a.state), stateRoot(b.state));
  });
});

describe('admin rotation', () => {
  it('gov.admins replaces the admin set and threshold, checked against the old set', () => {
    const c = new Client();
    const chain = new Chain(kvKernel(['gov']));
    const r = chain.apply([
      c.cmd('gov', 'gov.admins', { admins: ['admin-x', 'admin-y'], threshold: 3 }, ['admin-a', 'admin-b']),
      c.cmd('gov', 'gov.admins', { admins: ['admin-x', 'admin-y'], threshold: 1 }, ['admin-x', 'admin-y']),
      c.cmd('gov', 'gov.admins', { admins: ['admin-x', 'admin-y'], threshold: 1 }, ['admin-a', 'admin-c']),
      c.cmd('gov', 'gov.grant', { principal: 'p', commands: ['get'] }, ['admin-a', 'admin-b']),
      c.cmd('gov', 'gov.grant', { principal: 'p', commands: ['get'] }, ['admin-y']),
    ]);
    assert.deepEqual(r.receipts.map((x) => x.result), ['failed', 'denied', 'ok', 'denied', 'ok']);
    assert.match(r.receipts[0].reason ?? '', /threshold must be an integer in 1\.\.2/);
    assert.deepEqual(activeDescriptorInfo(chain.state).history.at(-1), { height: 1, action: 'admins-changed', version: 1 });
  });
});
