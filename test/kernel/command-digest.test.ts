import assert from 'node:assert/strict';
import { toHex } from '../../crypto/bytes.js';
import { applyBatch, commandDigest, forkState, type KernelCommand } from '../../kernel/api.js';
import { digestCommand } from '../../kernel/command-digest.js';
import { kvKernel } from './helpers.js';

function frozen(cmd: KernelCommand): KernelCommand {
  Object.freeze(cmd.fields);
  if (cmd.signers !== undefined) Object.freeze(cmd.signers);
  return Object.freeze(cmd);
}

describe('command digests (memo for frozen commands)', () => {
  it('a frozen command: same digest every time, each caller gets its own copy', () => {
    const cmd = frozen({ principal: 'alice', seq: 1, type: 'put', fields: { key: 'k', value: 'v' } });
    const a = digestCommand(cmd);
    const b = digestCommand(cmd);
    assert.equal(toHex(a.digest), toHex(commandDigest(cmd)));
    assert.equal(toHex(b.digest), toHex(a.digest));
    assert.notEqual(a.digest, b.digest);
    a.digest.fill(0); // a caller scribbling on its copy changes nobody else's
    assert.equal(toHex(digestCommand(cmd).digest), toHex(commandDigest(cmd)));
    assert.equal(a.size, b.size);
  });

  it('commands that can change are recomputed: unfrozen objects and frozen ones holding byte arrays', () => {
    const open: KernelCommand = { principal: 'alice', seq: 1, type: 'put', fields: { key: 'k', value: 'v' } };
    const before = toHex(digestCommand(open).digest);
    open.fields.value = 'w';
    assert.notEqual(toHex(digestCommand(open).digest), before);
    assert.equal(toHex(digestCommand(open).digest), toHex(commandDigest(open)));

    const bytes = new Uint8Array([1, 2, 3]);
    const withBytes = frozen({ principal: 'alice', seq: 2, type: 'put', fields: { key: 'k', value: bytes } });
    const first = toHex(digestCommand(withBytes).digest);
    bytes[0] = 9; // typed arrays stay writable inside a frozen object
    assert.notEqual(toHex(digestCommand(withBytes).digest), first);
    assert.equal(toHex(digestCommand(withBytes).digest), toHex(commandDigest(withBytes)));
  });

  it('kernels sharing frozen command objects produce the same receipts as with private copies', () => {
    const make = () => Array.from({ length: 20 }, (_, i) => ({ principal: i % 3 === 0 ? 'bob' : 'alice', seq: i + 1, type: i % 2 ? 'put' : 'get', fields: i % 2 ? { key: `k${i % 5}`, value: `v${i}` } : { key: `k${i % 5}` } }));
    const shared = make().map((c) => frozen(c as KernelCommand));
    const k0 = kvKernel();
    const k1 = forkState(k0);
    const k2 = forkState(k0);
    const r0 = applyBatch(k0, make() as KernelCommand[], { height: 1 });
    const r1 = applyBatch(k1, shared, { height: 1 });
    const r2 = applyBatch(k2, shared, { height: 1 });
    for (const r of [r1, r2]) {
      assert.deepEqual(r.receiptBytes, r0.receiptBytes);
      assert.equal(toHex(r.receiptsRoot), toHex(r0.receiptsRoot));
      assert.equal(toHex(r.stateRoot), toHex(r0.stateRoot));
    }
    assert.notEqual(r1.receipts[0].commandDigest, r2.receipts[0].commandDigest); // no aliasing between kernels
  });
});
