// The `npm start` walk-through against an in-process cluster running the real kernel with the
// governance descriptor and a testnet's genesis: each decision is the one the descriptor implies,
// and every saved receipt verifies offline.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { readHybridKeyPair } from '../../../crypto/keyfile.js';
import type { Genesis } from '../../../kernel/api.js';
import { bundleFromJson } from '../../../node/client/bundle.js';
import { runGovernanceDemo } from '../../../node/client/governance-demo.js';
import { verifyReceiptBundle } from '../../../node/client/verify.js';
import { loadCluster } from '../../../node/cluster/config.js';
import { Client } from '../../../node/sdk/index.js';
import { main } from '../../../node/cli/main.js';
import { generateTestnet } from '../../../node/cluster/testnet.js';
import { startFakeCluster } from './fake-cluster.js';

describe('governance demo (in-process kernel)', function () {
  this.timeout(60_000);
  it('walks through allow, approval, denial and freeze with verified receipts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knhk-demo-'));
    try {
      const t = await generateTestnet({ nodes: 4, dir, clients: 6, descriptor: 'governance' });
      const genesis = loadCluster(t.clusterFile).genesis as unknown as Genesis;
      const fc = await startFakeCluster(4, genesis);
      try {
        const out: string[] = [];
        const steps = await runGovernanceDemo({ cluster: fc.cluster, dir, out: (s) => void out.push(s) });
        const summary = steps.map((s) => `${s.type}:${s.decision}:${s.result}`);
        assert.deepEqual(summary, [
          'act:ALLOW:ok',
          'act:REQUIRE_APPROVAL:pending',
          'approve:REQUIRE_APPROVAL:ok',
          'approve:REQUIRE_APPROVAL:denied',
          'approve:ALLOW:ok',
          'act:DENY:denied',
          'freeze:ALLOW:ok',
          'act:DENY:denied',
          'unfreeze:ALLOW:ok',
        ]);
        assert.equal(steps[5].ruleId, 'deny-prod-delete');
        assert.equal(steps[7].ruleId, 'deny-frozen');
        for (const s of steps) {
          const v = verifyReceiptBundle(bundleFromJson(JSON.parse(readFileSync(s.bundleFile, 'utf8'))), fc.cluster);
          assert.ok(v.ok, `${s.bundleFile}: ${!v.ok ? v.reason : ''}`);
        }
        assert.match(out.join(''), /Offline re-verification .* VALID/);
      } finally {
        await fc.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('governance commands through the SDK (admin co-signatures)', function () {
  this.timeout(60_000);
  it('a co-signed gov.grant lets a new client act; without the admin it is denied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knhk-gov-'));
    try {
      const t = await generateTestnet({ nodes: 4, dir, clients: 2, descriptor: 'kv' });
      const genesis = loadCluster(t.clusterFile).genesis as unknown as Genesis;
      const admin = readHybridKeyPair(join(dir, 'admin', 'admin.public.json'), t.adminKeyFile);
      const fc = await startFakeCluster(4, genesis);
      const operator = new Client({ cluster: fc.cluster, key: join(dir, 'clients', 'client-0.key.json') });
      const newcomerKey = ed25519KeyPair(new Uint8Array(32).fill(99));
      const newcomer = new Client({ cluster: fc.cluster, key: newcomerKey });
      try {
        const before = await newcomer.submit('put', { key: 'a', value: '1' });
        assert.equal(before.receipt.decision, 'DENY');
        const grant = { principal: newcomer.id, commands: ['put', 'get'] };
        const unsigned = await operator.submit('gov.grant', grant);
        assert.equal(unsigned.receipt.result, 'denied');
        assert.match(unsigned.receipt.reason ?? '', /admin signatures/);
        const signed = await operator.submit('gov.grant', grant, { cosigners: [admin] });
        assert.equal(signed.receipt.result, 'ok', signed.receipt.reason ?? '');
        const after = await newcomer.submit('put', { key: 'a', value: '1' });
        assert.equal(after.receipt.decision, 'ALLOW');

        // The same through the CLI: `knhk submit --cosign ADMIN_SECRET '{"type":"gov.revoke",...}'`.
        const clusterFile = join(dir, 'fake-cluster.json');
        writeFileSync(clusterFile, JSON.stringify(fc.cluster));
        const out: string[] = [];
        const err: string[] = [];
        const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
        const revoke = JSON.stringify({ type: 'gov.revoke', fields: { principal: newcomer.id } });
        const code = await main(['submit', '--cluster', clusterFile, '--key', join(dir, 'clients', 'client-1.key.json'), '--cosign', t.adminKeyFile, revoke], io);
        assert.equal(code, 0, err.join(''));
        assert.match(out.join(''), /^ALLOW gov\.revoke \(ok/);
        const revoked = await newcomer.submit('put', { key: 'a', value: '2' });
        assert.equal(revoked.receipt.decision, 'DENY');
      } finally {
        await operator.close();
        await newcomer.close();
        await fc.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
