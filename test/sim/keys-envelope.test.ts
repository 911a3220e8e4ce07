import assert from 'node:assert/strict';
import { Prng } from '../../sim/prng.js';
import { StandInKeyRegistry } from '../../sim/keys.js';
import { createSimCrypto } from '../../sim/crypto-scheme.js';
import { bytesEqual, concatBytes, utf8 } from '../../crypto/bytes.js';
import { hashTagged } from '../../crypto/hash.js';
import { encodeCommand, type KernelCommand } from '../../kernel/api.js';
import { ENVELOPE_TAG, envelopeMessage, openStandIn, sealStandIn } from '../../sim/envelope.js';

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

describe('stand-in envelope layout', () => {
  it('is u8 length | MAC over tag || 0 || principal || 0 || command bytes | command bytes, whatever was sealed or opened before', () => {
    const sign = (m: Uint8Array) => hashTagged('knhk/test/envelope-mac', m);
    const verify = (_p: string, m: Uint8Array, sig: Uint8Array) => bytesEqual(sign(m), sig);
    const cmds: KernelCommand[] = [
      { principal: 'a'.repeat(40), seq: 1, type: 'put', fields: { key: 'k', value: 'v'.repeat(300) } },
      { principal: 'b', seq: 2, type: 'get', fields: { key: 'k' } },
      { principal: 'pé', seq: 3, type: 'get', fields: { key: 'k' } },
    ];
    const sealed = cmds.map((c) => sealStandIn(c, sign));
    for (let i = 0; i < cmds.length; i++) {
      const commandBytes = encodeCommand(cmds[i]);
      const sig = sign(envelopeMessage(cmds[i].principal, commandBytes));
      assert.deepEqual(sealed[i], concatBytes(new Uint8Array([sig.length]), sig, commandBytes));
      assert.deepEqual(envelopeMessage(cmds[i].principal, commandBytes), concatBytes(utf8(ENVELOPE_TAG), new Uint8Array([0]), utf8(cmds[i].principal), new Uint8Array([0]), commandBytes));
    }
    // Opening in a different order than sealing: each check lays out its own message.
    for (const i of [2, 0, 1, 0]) {
      const opened = openStandIn(sealed[i], verify);
      assert.equal(opened.ok, true);
      if (opened.ok) assert.equal(opened.seq, cmds[i].seq);
    }
    const forged = sealed[1].slice();
    forged[5] ^= 1;
    assert.equal(openStandIn(forged, verify).ok, false);
  });
});
