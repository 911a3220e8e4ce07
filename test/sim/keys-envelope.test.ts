import assert from 'node:assert/strict';
import { Prng } from '../../sim/prng.js';
import { StandInKeyRegistry } from '../../sim/keys.js';
import { createSimCrypto } from '../../sim/crypto-scheme.js';
import { utf8 } from '../../crypto/bytes.js';

describe('sim/keys (stand-in signatures)', () => {
  const msg = utf8('vote v=3');

  it('verifies a signature only under the identity that made it', () => {
    const reg = new StandInKeyRegistry(new Prng(1));
    const sign0 = reg.signerFor('replica:0');
    reg.signerFor('replica:1');
    const sig = sign0(msg);
    assert.equal(reg.verify('replica:0', msg, sig), true);
    assert.equal(reg.verify('replica:1', msg, sig), false, 'replica 1 cannot be impersonated with 0s key');
    assert.equal(reg.verify('replica:0', utf8('vote v=4'), sig), false);
    assert.equal(reg.verify('replica:9', msg, sig), false, 'unknown identity');
    assert.equal(reg.verify('replica:0', msg, sig.subarray(0, 31)), false, 'wrong length');
  });

  it('gives Twins (the same identity) one key', () => {
    const reg = new StandInKeyRegistry(new Prng(1));
    const a = reg.signerFor('replica:3');
    const b = reg.signerFor('replica:3');
    assert.deepEqual(a(msg), b(msg));
  });

  it('a Byzantine signer cannot produce another identity\'s signature by guessing', () => {
    const reg = new StandInKeyRegistry(new Prng(2));
    reg.signerFor('replica:0');
    const byz = reg.signerFor('replica:3');
    const prng = new Prng(3);
    for (let i = 0; i < 200; i++) assert.equal(reg.verify('replica:0', msg, i % 2 ? byz(msg) : prng.bytes(32)), false);
  });
});

describe('sim client envelopes', () => {
  for (const mode of ['standin', 'real'] as const) {
    it(`${mode}: opens what a client sealed and rejects tampering`, () => {
      const crypto = createSimCrypto(mode, 4, new Prng(5));
      const c = crypto.client('c0');
      const bytes = c.seal({ principal: c.principal, seq: 1, type: 'put', fields: { key: 'k', value: 'v' } });
      const ok = crypto.openCommand(bytes);
      assert.equal(ok.ok, true);
      if (ok.ok) {
        assert.equal(ok.client, c.principal);
        assert.equal(ok.seq, 1);
        assert.equal(ok.kernelCommand.type, 'put');
      }
      const tampered = bytes.slice();
      tampered[tampered.length - 1] ^= 1;
      assert.equal(crypto.openCommand(tampered).ok, false);
      assert.equal(crypto.openCommand(new Uint8Array([1, 2, 3])).ok, false);
      assert.equal(crypto.openCommand(new Uint8Array(0)).ok, false);
    });
  }

  it('rejects a command signed by one client but naming another as principal', () => {
    const crypto = createSimCrypto('standin', 4, new Prng(5));
    const a = crypto.client('c0');
    const b = crypto.client('c1');
    assert.equal(crypto.openCommand(a.seal({ principal: b.principal, seq: 1, type: 'get', fields: { key: 'k' } })).ok, false);
  });
});
