// The `npm start` walk-through against an in-process cluster running the real kernel with the
// governance descriptor and a testnet's genesis: each decision is the one the descriptor implies,
// and every saved receipt verifies offline.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Genesis } from '../../../kernel/api.js';
import { bundleFromJson } from '../../../node/client/bundle.js';
import { runGovernanceDemo } from '../../../node/client/governance-demo.js';
import { verifyReceiptBundle } from '../../../node/client/verify.js';
import { loadCluster } from '../../../node/cluster/config.js';
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
