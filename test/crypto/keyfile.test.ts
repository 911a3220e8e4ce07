import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../crypto/bytes.js';
import { ed25519KeyPair } from '../../crypto/ed25519.js';
import { hybridKeyId, hybridKeyPair } from '../../crypto/hybrid.js';
import {
  KeyFileError,
  readEd25519KeyFile,
  readHybridKeyPair,
  readHybridPublicKey,
  readHybridSecretKey,
  writeEd25519KeyFile,
  writeHybridKeyFiles,
} from '../../crypto/keyfile.js';

describe('crypto/keyfile', () => {
  let dir: string;
  const kp = hybridKeyPair(new Uint8Array(32).fill(9));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, change: (o: Record<string, unknown>) => void) => {
    const o = JSON.parse(readFileSync(file, 'utf8'));
    change(o);
    writeFileSync(file, JSON.stringify(o));
  };

  it('writes public and secret files; the secret one with mode 0600; reads them back', () => {
    const files = writeHybridKeyFiles(join(dir, 'nested'), kp, 'replica-0');
    assert.equal(files.keyId, hybridKeyId(kp.publicKey));
    assert.equal(statSync(files.secretFile).mode & 0o777, 0o600);
    assert.equal(toHex(readHybridPublicKey(files.publicFile).mldsa65), toHex(kp.publicKey.mldsa65));
    assert.equal(toHex(readHybridSecretKey(files.secretFile).mldsa65), toHex(kp.secretKey.mldsa65));
    assert.equal(hybridKeyId(readHybridKeyPair(files.publicFile, files.secretFile).publicKey), files.keyId);
    assert.doesNotMatch(readFileSync(files.publicFile, 'utf8'), new RegExp(toHex(kp.secretKey.ed25519)));
  });

  it('refuses to overwrite a key unless asked', () => {
    writeHybridKeyFiles(dir, kp);
    assert.throws(() => writeHybridKeyFiles(dir, hybridKeyPair()), /already exists/);
    const files = writeHybridKeyFiles(dir, hybridKeyPair(), 'hybrid', { overwrite: true });
    assert.notEqual(files.keyId, hybridKeyId(kp.publicKey));
    assert.equal(statSync(files.secretFile).mode & 0o777, 0o600);
  });

  it('a wrong file type, corrupt JSON, edited or truncated fields fail with one clear KeyFileError', () => {
    const files = writeHybridKeyFiles(dir, kp);
    assert.throws(() => readHybridSecretKey(files.publicFile), /expected a knhk-hybrid-secret-key file, found a knhk-hybrid-public-key file/);
    assert.throws(() => readHybridPublicKey(files.secretFile), /expected a knhk-hybrid-public-key file/);
    assert.throws(() => readHybridPublicKey(join(dir, 'missing.json')), /cannot read/);
    assert.throws(() => readHybridPublicKey(dir), /not a regular file/);

    const pub = join(dir, 'pub.json');
    writeFileSync(pub, readFileSync(files.publicFile, 'utf8').slice(0, 200));
    assert.throws(() => readHybridPublicKey(pub), /not valid JSON/);
    writeFileSync(pub, '[1,2]');
    assert.throws(() => readHybridPublicKey(pub), /not a JSON object/);
    writeFileSync(pub, readFileSync(files.publicFile));
    edit(pub, (o) => (o.mldsa65 = (o.mldsa65 as string).slice(2)));
    assert.throws(() => readHybridPublicKey(pub), /mldsa65 must be 1952 bytes, got 1951/);
    writeFileSync(pub, readFileSync(files.publicFile));
    edit(pub, (o) => (o.ed25519 = 'zz' + (o.ed25519 as string).slice(2)));
    assert.throws(() => readHybridPublicKey(pub), /ed25519 is not hex/);
    writeFileSync(pub, readFileSync(files.publicFile));
    edit(pub, (o) => (o.ed25519 = '00' + (o.ed25519 as string).slice(2)));
    assert.throws(() => readHybridPublicKey(pub), /keyId does not match/);
    writeFileSync(pub, readFileSync(files.publicFile));
    edit(pub, (o) => (o.version = 2));
    assert.throws(() => readHybridPublicKey(pub), /unsupported key file version 2/);

    edit(files.secretFile, (o) => (o.ed25519 = '11' + (o.ed25519 as string).slice(2)));
    assert.throws(() => readHybridSecretKey(files.secretFile), (e: unknown) => e instanceof KeyFileError && /keyId does not match/.test(e.message) && e.message.startsWith(files.secretFile));
  });

  it('refuses a secret key file readable by group or others', () => {
    const files = writeHybridKeyFiles(dir, kp);
    chmodSync(files.secretFile, 0o644);
    assert.throws(() => readHybridSecretKey(files.secretFile), /accessible by group\/others \(mode 644\); run chmod 600/);
  });

  it('refuses a public and a secret file that do not belong together', () => {
    const a = writeHybridKeyFiles(dir, kp, 'a');
    const b = writeHybridKeyFiles(dir, hybridKeyPair(new Uint8Array(32).fill(8)), 'b');
    assert.throws(() => readHybridKeyPair(a.publicFile, b.secretFile), /is not the secret key of/);
  });

  it('refuses an oversized file before parsing it', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(70 * 1024));
    assert.throws(() => readHybridPublicKey(big), /a key file is at most/);
  });

  it('Ed25519 client key files round-trip and are checked', () => {
    const client = ed25519KeyPair(new Uint8Array(32).fill(4));
    const file = join(dir, 'client.json');
    const keyId = writeEd25519KeyFile(file, client);
    assert.match(keyId, /^[0-9a-f]{64}$/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(toHex(readEd25519KeyFile(file).publicKey), toHex(client.publicKey));
    edit(file, (o) => (o.publicKey = toHex(ed25519KeyPair().publicKey)));
    chmodSync(file, 0o600);
    assert.throws(() => readEd25519KeyFile(file), /publicKey does not match secretKey/);
    const hybridFiles = writeHybridKeyFiles(dir, kp);
    assert.throws(() => readEd25519KeyFile(hybridFiles.secretFile), /expected a knhk-ed25519-secret-key file/);
  });
});
