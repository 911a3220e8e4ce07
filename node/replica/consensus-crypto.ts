// The ConsensusCrypto a real replica injects into the core: Ed25519 vote keys from cluster.json,
// verified with crypto/ed25519's one rule (ZIP-215, OpenSSL fast path) so every replica agrees.
import type { ConsensusCrypto } from '../../consensus/types.js';
import { ed25519Sign, ed25519Verify } from '../../crypto/ed25519.js';

export function ed25519ConsensusCrypto(secretKey: Uint8Array, voteKeys: readonly Uint8Array[]): ConsensusCrypto {
  return {
    sign: (bytes) => ed25519Sign(secretKey, bytes),
    verify: (replica, bytes, signature) => {
      const pk = voteKeys[replica];
      return pk !== undefined && ed25519Verify(pk, bytes, signature);
    },
  };
}
