import assert from 'node:assert/strict';
import { main } from '../../node/cli/main.js';

describe('knhk bench crypto', function () {
  this.timeout(60_000);

  it('--json prints exactly one object with a positive rate for every primitive', async () => {
    const out: string[] = [];
    const code = await main(['bench', 'crypto', '--ms', '50', '--json'], { out: (t) => void out.push(t), err: () => {} });
    assert.equal(code, 0);
    const r = JSON.parse(out.join('')) as {
      bench: string;
      results: { name: string; impl: string; opsPerSec: number; mbPerSec?: number }[];
      eventLoopMaxStallMs: { mainThreadSign: number; workerPoolSign: number };
    };
    assert.equal(r.bench, 'crypto');
    const names = new Set(r.results.map((x) => x.name));
    for (const n of ['ed25519 sign', 'ed25519 verify (valid)', 'ml-dsa-65 sign', 'ml-dsa-65 verify', 'hybrid sign', 'hybrid verify', 'sha256 1 KiB', 'sha256 1 MiB', 'blake3 1 MiB', 'shake256 1 MiB']) {
      assert.ok(names.has(n), `missing ${n}`);
    }
    for (const x of r.results) assert.ok(x.opsPerSec > 0, `${x.name} ${x.impl}`);
    for (const x of r.results.filter((y) => y.name.startsWith('sha256'))) assert.ok((x.mbPerSec ?? 0) > 0);
    // A synchronous ML-DSA signature blocks the loop for milliseconds; no exact figure is asserted
    // because the machine is shared, only that both stalls were measured.
    assert.ok(r.eventLoopMaxStallMs.mainThreadSign > 0);
    assert.ok(r.eventLoopMaxStallMs.workerPoolSign >= 0);
  });

  it('rejects a bad --ms with exit 2', async () => {
    assert.equal(await main(['bench', 'crypto', '--ms', 'fast'], { out: () => {}, err: () => {} }), 2);
  });
});
