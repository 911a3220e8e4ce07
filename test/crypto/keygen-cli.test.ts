import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEd25519KeyFile, readHybridKeyPair } from '../../crypto/keyfile.js';
import { hybridKeyId } from '../../crypto/hybrid.js';
import { main } from '../../node/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('knhk keygen', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-keygen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints one object naming files that hold a matching hybrid pair', async () => {
    const c = capture();
    assert.equal(await main(['keygen', '--out', join(dir, 'r0'), '--name', 'replica-0', '--json'], c.io), 0);
    const r = JSON.parse(c.out.join(''));
    assert.equal(r.type, 'hybrid');
    assert.equal(statSync(r.secretFile).mode & 0o777, 0o600);
    assert.equal(hybridKeyId(readHybridKeyPair(r.publicFile, r.secretFile).publicKey), r.keyId);
  });

  it('--seed makes the key reproducible; a bad seed is a usage error (exit 2)', async () => {
    const seed = 'ab'.repeat(32);
    const a = capture();
    const b = capture();
    assert.equal(await main(['keygen', '--out', join(dir, 'a'), '--seed', seed, '--json'], a.io), 0);
    assert.equal(await main(['keygen', '--out', join(dir, 'b'), '--seed', seed, '--json'], b.io), 0);
    assert.equal(JSON.parse(a.out.join('')).keyId, JSON.parse(b.out.join('')).keyId);
    const bad = capture();
    assert.equal(await main(['keygen', '--out', dir, '--seed', 'abc'], bad.io), 2);
    assert.match(bad.err.join(''), /--seed must be hex/);
    assert.equal(existsSync(join(dir, 'hybrid.secret.json')), false);
  });

  it('refuses to overwrite (exit 1, one line) unless --force', async () => {
    assert.equal(await main(['keygen', '--out', dir], capture().io), 0);
    const again = capture();
    assert.equal(await main(['keygen', '--out', dir], again.io), 1);
    assert.match(again.err.join(''), /^knhk: .*already exists/);
    assert.equal(again.err.join('').trim().split('\n').length, 1);
    assert.equal(await main(['keygen', '--out', dir, '--force'], capture().io), 0);
  });

  it('--type ed25519 writes a client key file; an unknown type is a usage error', async () => {
    const c = capture();
    assert.equal(await main(['keygen', '--out', dir, '--type', 'ed25519', '--json'], c.io), 0);
    const r = JSON.parse(c.out.join(''));
    assert.equal(readEd25519KeyFile(r.secretFile).publicKey.length, 32);
    assert.equal(await main(['keygen', '--out', dir, '--type', 'rsa'], capture().io), 2);
  });
});
