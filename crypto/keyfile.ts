// Key files: JSON, one object per file, public and secret parts in separate files; secret files are
// created with mode 0600 and refused when group/other can read them (as ssh does). Every read
// checks type, version, lengths and that the key id matches the keys, so a wrong or corrupt file
// fails with one clear KeyFileError instead of a confusing crash later.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual, fromHex, toHex } from './bytes.js';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SECRET_KEY_BYTES, ed25519KeyId, ed25519KeyPair, type Ed25519KeyPair } from './ed25519.js';
import {
  MLDSA65_PUBLIC_KEY_BYTES,
  MLDSA65_SECRET_KEY_BYTES,
  hybridKeyId,
  type HybridKeyPair,
  type HybridPublicKey,
  type HybridSecretKey,
} from './hybrid.js';
import { mldsaPublicKey } from './mldsa.js';

export class KeyFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'KeyFileError';
  }
}

export const KEY_FILE_TYPES = {
  hybridPublic: 'knhk-hybrid-public-key',
  hybridSecret: 'knhk-hybrid-secret-key',
  ed25519Secret: 'knhk-ed25519-secret-key',
} as const;
const KEY_FILE_VERSION = 1;
const KEY_FILE_BYTES_MAX = 64 * 1024;

export interface HybridKeyFiles {
  publicFile: string;
  secretFile: string;
  keyId: string;
}

export interface WriteOptions {
  /** Replace existing files (default: refuse, so a key is never lost by accident). */
  overwrite?: boolean;
}

/** Writes `<dir>/<name>.public.json` and `<dir>/<name>.secret.json` (0600). Creates `dir` if needed. */
export function writeHybridKeyFiles(dir: string, kp: HybridKeyPair, name = 'hybrid', options: WriteOptions = {}): HybridKeyFiles {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new KeyFileError(name, 'key name must be 1-64 characters of [A-Za-z0-9._-]');
  const keyId = hybridKeyId(kp.publicKey);
  mkdirSync(dir, { recursive: true });
  const publicFile = join(dir, `${name}.public.json`);
  const secretFile = join(dir, `${name}.secret.json`);
  // Check both before writing either, so a refusal never leaves half a key pair behind.
  if (!options.overwrite) {
    for (const f of [publicFile, secretFile]) if (existsSync(f)) throw new KeyFileError(f, 'already exists (refusing to overwrite a key)');
  }
  writeJson(publicFile, { type: KEY_FILE_TYPES.hybridPublic, version: KEY_FILE_VERSION, keyId, ed25519: toHex(kp.publicKey.ed25519), mldsa65: toHex(kp.publicKey.mldsa65) }, 0o644, options);
  writeJson(secretFile, { type: KEY_FILE_TYPES.hybridSecret, version: KEY_FILE_VERSION, keyId, ed25519: toHex(kp.secretKey.ed25519), mldsa65: toHex(kp.secretKey.mldsa65) }, 0o600, options);
  return { publicFile, secretFile, keyId };
}

/** Reads a hybrid public key file. Throws `KeyFileError` on a wrong or corrupt file. */
export function readHybridPublicKey(file: string): HybridPublicKey {
  const o = readKeyJson(file, KEY_FILE_TYPES.hybridPublic);
  const pk = { ed25519: hexField(file, o, 'ed25519', ED25519_PUBLIC_KEY_BYTES), mldsa65: hexField(file, o, 'mldsa65', MLDSA65_PUBLIC_KEY_BYTES) };
  if (hybridKeyId(pk) !== o.keyId) throw new KeyFileError(file, 'keyId does not match the keys (file corrupt or edited)');
  return pk;
}

/** Reads a hybrid secret key file (must not be group/other readable) and checks it against its key id. */
export function readHybridSecretKey(file: string): HybridSecretKey {
  return readHybridSecret(file).secretKey;
}

function readHybridSecret(file: string): { secretKey: HybridSecretKey; keyId: string } {
  const o = readKeyJson(file, KEY_FILE_TYPES.hybridSecret, true);
  const sk = { ed25519: hexField(file, o, 'ed25519', ED25519_SECRET_KEY_BYTES), mldsa65: hexField(file, o, 'mldsa65', MLDSA65_SECRET_KEY_BYTES) };
  let keyId: string;
  try {
    keyId = hybridKeyId({ ed25519: ed25519KeyPair(sk.ed25519).publicKey, mldsa65: mldsaPublicKey(65, sk.mldsa65) });
  } catch (e) {
    throw new KeyFileError(file, `secret key does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (keyId !== o.keyId) throw new KeyFileError(file, 'keyId does not match the secret key (file corrupt or edited)');
  return { secretKey: sk, keyId };
}

/** Reads both files of a pair and checks that they belong together. */
export function readHybridKeyPair(publicFile: string, secretFile: string): HybridKeyPair {
  const publicKey = readHybridPublicKey(publicFile);
  const { secretKey, keyId } = readHybridSecret(secretFile);
  if (keyId !== hybridKeyId(publicKey)) throw new KeyFileError(secretFile, `is not the secret key of ${publicFile}`);
  return { publicKey, secretKey };
}

/** Writes a client's Ed25519 key pair as one JSON file with mode 0600. */
export function writeEd25519KeyFile(file: string, kp: Ed25519KeyPair, options: WriteOptions = {}): string {
  const keyId = ed25519KeyId(kp.publicKey);
  writeJson(file, { type: KEY_FILE_TYPES.ed25519Secret, version: KEY_FILE_VERSION, keyId, publicKey: toHex(kp.publicKey), secretKey: toHex(kp.secretKey) }, 0o600, options);
  return keyId;
}

/** Reads a client's Ed25519 key file; checks the public key and key id against the seed. */
export function readEd25519KeyFile(file: string): Ed25519KeyPair {
  const o = readKeyJson(file, KEY_FILE_TYPES.ed25519Secret, true);
  const secretKey = hexField(file, o, 'secretKey', ED25519_SECRET_KEY_BYTES);
  const publicKey = hexField(file, o, 'publicKey', ED25519_PUBLIC_KEY_BYTES);
  const kp = ed25519KeyPair(secretKey);
  if (!bytesEqual(kp.publicKey, publicKey)) throw new KeyFileError(file, 'publicKey does not match secretKey (file corrupt or edited)');
  if (ed25519KeyId(publicKey) !== o.keyId) throw new KeyFileError(file, 'keyId does not match the keys (file corrupt or edited)');
  return kp;
}

function writeJson(file: string, value: object, mode: number, options: WriteOptions): void {
  try {
    writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode, flag: options.overwrite ? 'w' : 'wx' });
    // writeFileSync's mode applies only when it creates the file; make an overwritten one match.
    chmodSync(file, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KeyFileError(file, 'already exists (refusing to overwrite a key)');
    throw new KeyFileError(file, `cannot write: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readKeyJson(file: string, type: string, secret = false): Record<string, unknown> {
  let text: string;
  let mode: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new KeyFileError(file, 'is not a regular file');
    if (st.size > KEY_FILE_BYTES_MAX) throw new KeyFileError(file, `is ${st.size} bytes; a key file is at most ${KEY_FILE_BYTES_MAX}`);
    mode = st.mode;
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof KeyFileError) throw e;
    throw new KeyFileError(file, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new KeyFileError(file, 'is not valid JSON (corrupt key file)');
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new KeyFileError(file, 'is not a JSON object');
  const rec = o as Record<string, unknown>;
  if (rec.type !== type) {
    const found = typeof rec.type === 'string' ? `a ${rec.type} file` : 'not a knhk key file';
    throw new KeyFileError(file, `expected a ${type} file, found ${found}`);
  }
  // Checked after the type, so that passing the wrong file says so rather than blaming its mode.
  if (secret && process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new KeyFileError(file, `secret key file is accessible by group/others (mode ${(mode & 0o777).toString(8)}); run chmod 600`);
  }
  if (rec.version !== KEY_FILE_VERSION) throw new KeyFileError(file, `unsupported key file version ${String(rec.version)}`);
  if (typeof rec.keyId !== 'string') throw new KeyFileError(file, 'missing keyId');
  return rec;
}

function hexField(file: string, o: Record<string, unknown>, field: string, length: number): Uint8Array {
  const v = o[field];
  if (typeof v !== 'string') throw new KeyFileError(file, `missing field ${field}`);
  let b: Uint8Array;
  try {
    b = fromHex(v);
  } catch {
    throw new KeyFileError(file, `field ${field} is not hex`);
  }
  if (b.length !== length) throw new KeyFileError(file, `field ${field} must be ${length} bytes, got ${b.length}`);
  return b;
}
