// The libp2p identity of a replica: an Ed25519 key whose peer id cluster.json binds to one
// validator. Stored as JSON { type, privateKey: hex(libp2p protobuf) } with mode 0600.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { readFileSync, writeFileSync } from 'node:fs';

const KEY_TYPE = 'knhk-libp2p-ed25519';

export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

export async function newLibp2pKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519');
}

/** The base58 peer id of a key (same string libp2p reports as `peerId.toString()`). */
export function peerIdOf(key: PrivateKey): string {
  return key.publicKey.toString();
}

export function writeLibp2pKey(file: string, key: PrivateKey): void {
  const body = { type: KEY_TYPE, peerId: peerIdOf(key), privateKey: Buffer.from(privateKeyToProtobuf(key)).toString('hex') };
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
}

export function readLibp2pKey(file: string): PrivateKey {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new IdentityError(`cannot read libp2p key ${file}: ${(e as Error).message}`);
  }
  const o = raw as { type?: unknown; privateKey?: unknown };
  if (o?.type !== KEY_TYPE || typeof o.privateKey !== 'string' || !/^[0-9a-f]+$/.test(o.privateKey)) {
    throw new IdentityError(`${file} is not a knhk libp2p key file (expected type ${KEY_TYPE})`);
  }
  try {
    return privateKeyFromProtobuf(Buffer.from(o.privateKey, 'hex'));
  } catch (e) {
    throw new IdentityError(`${file}: corrupt libp2p key: ${(e as Error).message}`);
  }
}
