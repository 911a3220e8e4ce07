import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadCluster, loadReplicaConfig, validateCluster } from '../../../node/cluster/config.js';
import { generateTestnet, TestnetError } from '../../../node/cluster/testnet.js';
import { readLibp2pKey, peerIdOf } from '../../../node/net/identity.js';
import { main } from '../../../node/cli/main.js';

describe('node/cluster testnet and config', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-testnet-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a cluster whose peer ids, regions and ports match the generated keys and configs', async () => {
    const r = await generateTestnet({ nodes: 4, dir, regions: ['eu', 'us', 'ap'], basePort: 9000, descriptor: 'kv', clients: 3 });
    const cluster = loadCluster(r.clusterFile);
    assert.equal(cluster.f, 1);
    assert.deepEqual(cluster.validators.map((v) => v.region), ['eu', 'us', 'ap', 'eu']);
    assert.deepEqual(cluster.validators.map((v) => v.multiaddrs[0]), [0, 1, 2, 3].map((i) => `/ip4/127.0.0.1/tcp/${9000 + i}`));
    assert.deepEqual(cluster.validators.map((v) => v.metricsPort), [9100, 9101, 9102, 9103]);
    for (const [i, f] of r.configFiles.entries()) {
      const cfg = loadReplicaConfig(f);
      assert.equal(cfg.id, i);
      assert.equal(peerIdOf(readLibp2pKey(cfg.libp2pKeyFile)), cluster.validators[i].peerId);
      assert.equal(statSync(cfg.hybridKeyFile).mode & 0o077, 0, 'secret key not readable by others');
    }
    const principals = (cluster.genesis as { principals: Record<string, { roles: string[] }> }).principals;
    assert.deepEqual(Object.keys(principals).sort(), r.clients.map((c) => c.keyId).sort());
    await assert.rejects(generateTestnet({ nodes: 4, dir }), TestnetError, 'refuses to overwrite');
  });

  it('rejects bad cluster files with the field named', () => {
    const good = JSON.parse(JSON.stringify({ version: 1, f: 1, validators: [], genesis: {}, consensus: {} }));
    assert.throws(() => validateCluster(good, 'c.json'), /c\.json\.validators: has 0 entries; f=1 needs at least 4/);
    assert.throws(() => validateCluster({ ...good, version: 2 }, 'c.json'), /c\.json\.version: must be 1/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ not json');
    assert.throws(() => loadCluster(file), (e: Error) => e instanceof ConfigError && /not valid JSON/.test(e.message));
    assert.throws(() => loadCluster(join(dir, 'missing.json')), /cannot read cluster file .*ENOENT/);
  });

  it('registers one operator, three approvers (the 2-of-3 gate of the governance example) and agents', async () => {
    const r = await generateTestnet({ nodes: 4, dir, descriptor: 'governance', clients: 6 });
    assert.deepEqual(
      r.clients.map((c) => c.roles.join('+')),
      ['agent+operator', 'approver', 'approver', 'approver', 'agent', 'agent'],
    );
  });

  it('rejects a tampered validator entry (peer id, key length)', async () => {
    const r = await generateTestnet({ nodes: 4, dir, descriptor: 'kv', clients: 0 });
    const raw = JSON.parse(readFileSync(r.clusterFile, 'utf8'));
    raw.validators[2].voteKey = 'ab';
    assert.throws(() => validateCluster(raw, 'x'), /x\.validators\[2\]\.voteKey: must be 32 bytes/);
    raw.validators[2].voteKey = raw.validators[1].voteKey;
    assert.throws(() => validateCluster(raw, 'x'), /repeats a peer id or key/);
  });

  it('CLI: testnet --json prints one object; bad arguments exit 2', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: () => undefined };
    assert.equal(await main(['testnet', '--nodes', '4', '--dir', join(dir, 't'), '--descriptor', 'kv', '--clients', '1', '--json'], io), 0);
    const j = JSON.parse(out.join(''));
    assert.equal(j.configs.length, 4);
    assert.equal(await main(['testnet', '--nodes', 'x', '--dir', dir], io), 2);
    assert.equal(await main(['start', '--config', join(dir, 'nope.json')], io), 1);
    assert.equal(await main(['status', '--help'], io), 0);
  });
});
