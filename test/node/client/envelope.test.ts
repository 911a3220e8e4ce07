import assert from 'node:assert/strict';
import { concatBytes } from '../../../crypto/bytes.js';
import { ed25519KeyPair, ed25519Sign } from '../../../crypto/ed25519.js';
import { Tag, hashTagged } from '../../../crypto/hash.js';
import type { KernelCommand } from '../../../kernel/api.js';
import { hybridKeyId, hybridKeyPair } from '../../../crypto/hybrid.js';
import { encodeHybridSignedCommand } from '../../../node/client/hybrid-envelope.js';
import { MAX_ENVELOPE_BYTES, clientIdOf, decodeSignedCommand, encodeSignedCommand, governanceCosignature, prevalidateEnvelope } from '../../../node/client/envelope.js';

const alice = ed25519KeyPair(new Uint8Array(32).fill(1));
const mallory = ed25519KeyPair(new Uint8Array(32).fill(2));

function put(principal: string, seq: number, value = 'v'): KernelCommand {
  return { principal, seq, type: 'put', fields: { key: 'k', value } };
}

function reason(bytes: Uint8Array): string {
  const r = decodeSignedCommand(bytes);
  assert.equal(r.ok, false);
  return (r as { reason: string }).reason;
}

describe('client envelope', () => {
  const id = clientIdOf(alice.publicKey);

  it('round-trips a signed command', () => {
    const bytes = encodeSignedCommand(alice.secretKey, put(id, 7));
    const r = decodeSignedCommand(bytes);
    assert.ok(r.ok);
    assert.equal(r.command.client, id);
    assert.equal(r.command.seq, 7);
    assert.deepEqual(r.command.bytes, bytes);
    assert.deepEqual(r.kernelCommand, put(id, 7));
  });

  it('is deterministic (Ed25519 signatures are)', () => {
    assert.deepEqual(encodeSignedCommand(alice.secretKey, put(id, 1)), encodeSignedCommand(alice.secretKey, put(id, 1)));
  });

  it('rejects a tampered body, key or signature', () => {
    const bytes = encodeSignedCommand(alice.secretKey, put(id, 1, 'hello'));
    for (const at of [bytes.length - 1, 5, 40, 0]) {
      const t = bytes.slice();
      t[at] ^= 1;
      assert.match(reason(t), /signature|version/);
    }
  });

  it('a verified envelope, once cached, never vouches for a modified copy', () => {
    const bytes = encodeSignedCommand(alice.secretKey, put(id, 9, 'cached'));
    assert.ok(decodeSignedCommand(bytes).ok);
    assert.ok(decodeSignedCommand(bytes.slice()).ok, 'the same bytes again (a cache hit) still decode');
    for (const at of [bytes.length - 1, 40, 10]) {
      const t = bytes.slice();
      t[at] ^= 1;
      assert.match(reason(t), /signature/);
    }
  });

  it('prevalidation off the event loop agrees with decoding and never rejects', async () => {
    const good = encodeSignedCommand(alice.secretKey, put(id, 10, 'pre'));
    await prevalidateEnvelope(good);
    assert.ok(decodeSignedCommand(good).ok);
    const bad = encodeSignedCommand(alice.secretKey, put(id, 11, 'pre'));
    bad[50] ^= 1;
    await prevalidateEnvelope(bad);
    assert.match(reason(bad), /bad client signature/);
    for (const junk of [new Uint8Array(0), new Uint8Array(200).fill(1), new Uint8Array(MAX_ENVELOPE_BYTES + 5), 'x' as unknown as Uint8Array]) {
      await prevalidateEnvelope(junk); // resolves, whatever the input
    }
  });

  it('rejects a command signed by a key that is not its principal', () => {
    assert.throws(() => encodeSignedCommand(mallory.secretKey, put(id, 1)), /principal/);
    // Forge by hand: mallory signs a body naming alice as principal.
    const honest = encodeSignedCommand(mallory.secretKey, put(clientIdOf(mallory.publicKey), 1));
    const r = decodeSignedCommand(honest);
    assert.ok(r.ok);
    assert.equal(r.command.client, clientIdOf(mallory.publicKey));
    // Swap in alice's public key: the signature no longer verifies.
    const swapped = honest.slice();
    swapped.set(alice.publicKey, 1);
    assert.match(reason(swapped), /bad client signature/);
  });

  it('refuses signers asserted by a client', () => {
    assert.throws(() => encodeSignedCommand(alice.secretKey, { ...put(id, 1), signers: [id] }), /signers/);
  });

  it('rejects oversized, short, empty, garbage and wrong-version bytes without throwing', () => {
    assert.match(reason(new Uint8Array(MAX_ENVELOPE_BYTES + 1)), /exceeds the limit/);
    assert.match(reason(new Uint8Array(0)), /too short/);
    assert.match(reason(new Uint8Array(50).fill(1)), /too short/);
    const garbage = new Uint8Array(300);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) & 0xff;
    garbage[0] = 1;
    assert.match(reason(garbage), /signature/);
    garbage[0] = 9;
    assert.match(reason(garbage), /version 9/);
    assert.match(reason('nope' as unknown as Uint8Array), /not bytes/);
  });

  it('rejects a well-signed envelope whose body is not a command', () => {
    // Build the envelope by hand around a garbage body, signed correctly.
    const body = new Uint8Array([0xff, 0x00, 0x01]);
    const bytes = signRaw(alice, body);
    assert.match(reason(bytes), /malformed command body/);
  });

  it('refuses to build an envelope above the size limit', () => {
    assert.throws(() => encodeSignedCommand(alice.secretKey, put(id, 1, 'x'.repeat(MAX_ENVELOPE_BYTES))), /exceeds the limit/);
  });

  describe('hybrid client keys (version 3)', () => {
    const pq = hybridKeyPair(new Uint8Array(32).fill(31));
    const pqId = hybridKeyId(pq.publicKey);

    it('round-trips with the hybrid key id as client id', () => {
      const bytes = encodeHybridSignedCommand(pq, put(pqId, 5));
      assert.equal(bytes[0], 3);
      const r = decodeSignedCommand(bytes);
      assert.ok(r.ok, !r.ok ? r.reason : '');
      assert.equal(r.command.client, pqId);
      assert.deepEqual(r.kernelCommand, put(pqId, 5));
    });

    it('rejects tampering in either signature half, the key or the body, and a foreign principal', () => {
      const bytes = encodeHybridSignedCommand(pq, put(pqId, 6));
      for (const at of [5, 1984 + 10, 1984 + 64 + 100, bytes.length - 2]) {
        const t = bytes.slice();
        t[at] ^= 1;
        assert.match(reason(t), /bad client signature|principal/);
      }
      assert.throws(() => encodeHybridSignedCommand(pq, put(id, 6)), /principal/);
      assert.match(reason(bytes.slice(0, 2000)), /too short/);
    });
  });

  describe('co-signed governance envelopes (version 2)', () => {
    const admin = hybridKeyPair(new Uint8Array(32).fill(21));
    const admin2 = hybridKeyPair(new Uint8Array(32).fill(22));
    const chain = { chainId: 'knhk-test' };
    const grant: KernelCommand = { principal: id, seq: 3, type: 'gov.grant', fields: { principal: 'ab'.repeat(32), commands: ['put'] } };

    it('verifies admin co-signatures and lists the admins as signers', () => {
      const cos = [governanceCosignature(admin, chain.chainId, grant), governanceCosignature(admin2, chain.chainId, grant)];
      const bytes = encodeSignedCommand(alice.secretKey, grant, alice.publicKey, cos);
      assert.equal(bytes[0], 2);
      const r = decodeSignedCommand(bytes, chain);
      assert.ok(r.ok, !r.ok ? r.reason : '');
      assert.deepEqual(r.kernelCommand.signers, [hybridKeyId(admin.publicKey), hybridKeyId(admin2.publicKey)].sort());
      assert.deepEqual({ ...r.kernelCommand, signers: undefined }, { ...grant, signers: undefined });
    });

    it('rejects without the chain id, on another chain, on a non-governance command, or with a repeated admin', () => {
      const bytes = encodeSignedCommand(alice.secretKey, grant, alice.publicKey, [governanceCosignature(admin, chain.chainId, grant)]);
      assert.match(reason2(bytes), /without the chain id/);
      assert.match(reason2(bytes, { chainId: 'other-chain' }), /co-signature 0 does not verify/);
      const cos = governanceCosignature(admin, chain.chainId, grant);
      assert.throws(() => governanceCosignature(admin, chain.chainId, put(id, 4)), /not a governance command/);
      assert.match(reason2(encodeSignedCommand(alice.secretKey, put(id, 4), alice.publicKey, [cos]), chain), /not a governance command/);
      assert.match(reason2(encodeSignedCommand(alice.secretKey, grant, alice.publicKey, [cos, cos]), chain), /repeats signer/);
    });

    it('a relay cannot strip or swap co-signatures (the client signature covers them)', () => {
      const bytes = encodeSignedCommand(alice.secretKey, grant, alice.publicKey, [governanceCosignature(admin, chain.chainId, grant)]);
      const stripped = bytes.slice(0, bytes.length - 5357);
      stripped[stripped.length - 1] = 0;
      assert.match(reason2(stripped, chain), /bad client signature/);
      const swapped = bytes.slice();
      swapped[bytes.length - 10] ^= 1;
      assert.match(reason2(swapped, chain), /bad client signature/);
      const extra = new Uint8Array(bytes.length + 1);
      extra.set(bytes);
      assert.match(reason2(extra, chain), /bad client signature/);
    });
  });
});

function reason2(bytes: Uint8Array, ctx?: { chainId: string }): string {
  const r = decodeSignedCommand(bytes, ctx);
  assert.equal(r.ok, false);
  return (r as { reason: string }).reason;
}

function signRaw(kp: { publicKey: Uint8Array; secretKey: Uint8Array }, body: Uint8Array): Uint8Array {
  const sig = ed25519Sign(kp.secretKey, hashTagged(Tag.clientCommand, Uint8Array.of(1), kp.publicKey, body));
  return concatBytes(Uint8Array.of(1), kp.publicKey, sig, body);
}
