// A replica that is down leads every n-th view under round-robin. Its views, and the views before
// them (whose votes go to it), are timed out at once by replicas whose link to it broke, instead of
// waiting for the view timer. The view timer here is 60 s, so the only way the cluster keeps
// committing with one replica of four killed, or frozen, is through those early timeouts. A frozen
// process keeps its connections open: it is recognised by its silence (every live replica sends at
// least a heartbeat frame every 250 ms).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCluster } from '../../../node/cluster/config.js';
import { startLocalCluster, type LocalCluster } from '../../../node/cluster/local.js';
import { freePorts } from '../../../node/cluster/ports.js';
import { generateTestnet } from '../../../node/cluster/testnet.js';
import { ClientTransport } from '../../../node/client/transport.js';
import { Client } from '../../../node/sdk/client.js';
import { scrapeMetric } from './scrape-metric.js';

describe('integration: one replica of four down, 60 s view timer', function () {
  this.timeout(120_000);
  let dir = '';
  let lc: LocalCluster | null = null;
  let transport: ClientTransport | null = null;
  let client: Client | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-down-'));
    const free = await freePorts(8);
    await generateTestnet({ nodes: 4, dir, ports: { p2p: free.slice(0, 4), metrics: free.slice(4) }, descriptor: 'kv', clients: 2 });
    const file = join(dir, 'cluster.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    raw.consensus.viewTimeoutMs = 60_000;
    raw.consensus.viewTimeoutMaxMs = 60_000;
    writeFileSync(file, JSON.stringify(raw, null, 2));
    lc = await startLocalCluster({ nodes: 4, dir, logLevel: 'warn' });
    const cluster = loadCluster(file);
    transport = await ClientTransport.create(cluster);
    client = new Client({ cluster, key: join(dir, 'clients', 'client-0.key.json'), transport, replica: 0, timeoutMs: 20_000, retries: 2 });
  });

  after(async () => {
    await client?.close().catch(() => {});
    await transport?.close().catch(() => {});
    await lc?.stop().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps committing through every view of the missing leader, each timed out at once', async () => {
    const cluster = loadCluster(join(dir, 'cluster.json'));
    await client!.submit('put', { key: 'before', value: '1' });
    await lc!.kill(3, 'SIGKILL');
    const view0 = async () => (await client!.status()).find((r) => r.replica === 0)?.status?.view ?? -1;
    const viewBefore = await view0();
    // Twelve commands one after another span several rotations of four views: every one of them
    // passes a view led by replica 3 and one whose votes go to it. Waiting 60 s for either would
    // time the client out (20 s, 2 retries).
    for (let i = 0; i < 12; i++) {
      const r = await client!.submit('put', { key: `during-${i}`, value: String(i) });
      assert.equal(r.receipt.decision, 'ALLOW');
    }
    const viewAfter = await view0();
    assert.ok(viewAfter - viewBefore >= 8, `views advanced past replica 3's turns: ${viewBefore} -> ${viewAfter}`);
    let early = 0;
    for (let i = 0; i < 3; i++) early += await scrapeMetric(cluster.validators[i].metricsPort, 'knhk_early_timeouts_total');
    assert.ok(early >= 2, `early timeouts on the live replicas: ${early}`);
  });

  it('and through the views of a frozen replica (SIGSTOP: its connections stay open, it falls silent)', async () => {
    await lc!.restart(3);
    await client!.submit('put', { key: 'all-back', value: '1' });
    const frozen = lc!.processes[2]!;
    frozen.kill('SIGSTOP');
    try {
      for (let i = 0; i < 12; i++) {
        const r = await client!.submit('put', { key: `frozen-${i}`, value: String(i) });
        assert.equal(r.receipt.decision, 'ALLOW');
      }
    } finally {
      frozen.kill('SIGCONT');
    }
  });
});
