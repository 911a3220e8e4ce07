// `knhk submit` and `knhk verify` against the in-process fake cluster.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { writeEd25519KeyFile } from '../../../crypto/keyfile.js';
import { main } from '../../../node/cli/main.js';
import { startFakeCluster, type FakeCluster } from './fake-cluster.js';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('knhk submit / verify', function () {
  this.timeout(30_000);
  let fc: FakeCluster;
  let dir: string;
  let clusterFile: string;
  let keyFile: string;

  before(async () => {
    fc = await startFakeCluster(4);
    dir = mkdtempSync(join(tmpdir(), 'knhk-cli-'));
    clusterFile = join(dir, 'cluster.json');
    writeFileSync(clusterFile, JSON.stringify(fc.cluster));
    keyFile = join(dir, 'client.json');
    writeEd25519KeyFile(keyFile, ed25519KeyPair(new Uint8Array(32).fill(11)));
  });
  after(async () => {
    await fc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('submits, prints the verified receipt, and the written bundle verifies offline', async () => {
    const out = join(dir, 'r1.json');
    const s = await run(['submit', '--cluster', clusterFile, '--key', keyFile, '--out', out, '{"type":"put","fields":{"key":"a","value":"1"}}']);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /^ALLOW put \(ok/);
    const v = await run(['verify', out, '--cluster', clusterFile]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /receipt VALID/);

    const j = await run(['submit', '--json', '--cluster', clusterFile, '--key', keyFile, '{"type":"put","fields":{"key":"a","value":"2"}}']);
    assert.equal(j.code, 0, j.err);
    const parsed = JSON.parse(j.out);
    assert.equal(parsed.receipt.decision, 'ALLOW');
    const out2 = join(dir, 'r2.json');
    writeFileSync(out2, j.out);
    const chain = await run(['verify', out2, '--previous', out, '--cluster', clusterFile, '--json']);
    assert.equal(chain.code, 0, chain.out);
    assert.equal(JSON.parse(chain.out).valid, true);
    const wrongChain = await run(['verify', out, '--previous', out2, '--cluster', clusterFile]);
    assert.equal(wrongChain.code, 1);
    assert.match(wrongChain.err, /chain broken/);
  });

  it('exits 1 on a tampered receipt and 2 on bad arguments', async () => {
    const out = join(dir, 'r3.json');
    assert.equal((await run(['submit', '--cluster', clusterFile, '--key', keyFile, '--out', out, '{"type":"put","fields":{"key":"b","value":"1"}}'])).code, 0);
    const b = JSON.parse(readFileSync(out, 'utf8'));
    b.stateRoot = b.stateRoot.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(b));
    const v = await run(['verify', bad, '--cluster', clusterFile]);
    assert.equal(v.code, 1);
    assert.match(v.err, /receipt INVALID: only 0 valid validator signatures/);
    assert.equal((await run(['verify', join(dir, 'missing.json'), '--cluster', clusterFile])).code, 2);
    assert.equal((await run(['submit', '--cluster', clusterFile, '--key', keyFile, '{"type":"put","fields":{"n":1.5}}'])).code, 2);
    assert.equal((await run(['submit', '--cluster', clusterFile, '--key', join(dir, 'nokey.json'), '{"type":"put"}'])).code, 2);
  });
});
