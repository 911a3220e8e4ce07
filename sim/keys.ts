// The simulator's stand-in signature scheme and its key registry.
//
// ML-DSA-65 costs ~10 ms to sign here, far too slow for sweeps of thousands of runs, so by default
// a replica signs with sig = SHA-256(tag || secret_i || message) (32 bytes). The property the
// protocol relies on is kept: only the holder of secret_i can produce i's signature. Secrets live
// in this registry and nowhere else; each replica object (honest or Byzantine) is handed a signer
// closed over its own secret only, so a Byzantine wrapper cannot forge an honest replica's votes.
// Verification needs the secret (it is a MAC, not a public-key signature), so the registry does it
// on behalf of every replica — the registry is trusted simulator infrastructure, not a participant.
// Twins are two replica objects handed the same identity's signer.
import { hashTagged } from '../crypto/hash.js';
import { bytesEqual } from '../crypto/bytes.js';
import type { Prng } from './prng.js';

export const STAND_IN_SIG_TAG = 'knhk/sim/stand-in-signature';
export const STAND_IN_SIG_BYTES = 32;

export type SignFn = (message: Uint8Array) => Uint8Array;

export class StandInKeyRegistry {
  private readonly secrets = new Map<string, Uint8Array>();

  constructor(private readonly prng: Prng) {}

  /** Creates (once) the secret of `identity` and returns a signer holding only that secret. */
  signerFor(identity: string): SignFn {
    let secret = this.secrets.get(identity);
    if (!secret) this.secrets.set(identity, (secret = this.prng.bytes(32)));
    const s = secret;
    return (message) => hashTagged(STAND_IN_SIG_TAG, s, message);
  }

  /** Never throws: unknown identities, wrong lengths and wrong bytes all verify false. */
  verify(identity: string, message: Uint8Array, signature: Uint8Array): boolean {
    const secret = this.secrets.get(identity);
    if (!secret || !(signature instanceof Uint8Array) || signature.length !== STAND_IN_SIG_BYTES) return false;
    return bytesEqual(hashTagged(STAND_IN_SIG_TAG, secret, message), signature);
  }
}
