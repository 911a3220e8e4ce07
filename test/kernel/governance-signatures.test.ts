import assert from 'node:assert/strict';
import { hybridKeyId, hybridKeyPair, hybridSign } from '../../crypto/hybrid.js';
import { applyBatch, createKernel, GOVERNANCE_SIGNING_TAG, governancePayload, verifiedGovernanceSigners, type KernelCommand } from '../../kernel/api.js';
import { example } from './helpers.js';

describe('governance with real hybrid admin signatures', () => {
  it('a 2-of-3 install signed with Ed25519 + ML-DSA-65 keys is accepted; a signature over another command is not', function () {
    this.timeout(30_000);
    const admins = [1, 2, 3].map((i) => hybridKeyPair(new Uint8Array(32).fill(i)));
    const ids = admins.map((a) => hybridKeyId(a.publicKey));
    const genesis = { chainId: 'sig-chain', admins: ids, adminThreshold: 2, descriptor: example('kv'), principals: { gov: { commands: [] } } };
    const v2 = { ...example('kv'), version: 2 };
    const cmd: KernelCommand = { principal: 'gov', seq: 1, type: 'gov.install', fields: { descriptor: v2 } };
    const payload = governancePayload('sig-chain', cmd)!;
    const sig = (i: number, msg = payload) => ({ publicKey: admins[i].publicKey, signature: hybridSign(admins[i].secretKey, GOVERNANCE_SIGNING_TAG, msg) });
    const other = governancePayload('sig-chain', { ...cmd, seq: 2 })!;

    const good = verifiedGovernanceSigners('sig-chain', cmd, [sig(0), sig(2), sig(0)]);
    assert.deepEqual(good, [ids[0], ids[2]].sort());
    const mixed = verifiedGovernanceSigners('sig-chain', cmd, [sig(0), sig(1, other)]);
    assert.deepEqual(mixed, [ids[0]]);
    assert.deepEqual(verifiedGovernanceSigners('other-chain', cmd, [sig(0), sig(2)]), []);

    const r = applyBatch(createKernel(genesis), [{ ...cmd, signers: mixed }, { ...cmd, seq: 2, signers: verifiedGovernanceSigners('sig-chain', { ...cmd, seq: 2 }, [sig(0, other), sig(1, other)]) }], { height: 1 });
    assert.deepEqual(r.receipts.map((x) => x.result), ['denied', 'ok']);
  });
});
