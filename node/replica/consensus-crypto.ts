// The ConsensusCrypto a real replica injects into the core: Ed25519 vote keys from cluster.json,
// verified with crypto/ed25519's one rule (ZIP-215, OpenSSL fast path) so every replica agrees.
import type { ConsensusCrypto } from '../../consensus/types.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { ed25519Sign, ed25519Verify } from '../../crypto/ed25519.js';

/** Own signatures remembered (a QC carries our vote back to us in the next proposals). */
const OWN_SIGNATURES = 256;

export function ed25519ConsensusCrypto(secretKey: Uint8Array, voteKeys: readonly Uint8Array[], self?: number): ConsensusCrypto {
  // Our own vote comes back inside every QC that counts it: a signature we made over exactly these
  // bytes is valid by construction, so it is recognised by comparison instead of a ~0.15 ms check.
  const own = new Map<string, Uint8Array>();
  return {
    sign: (bytes) => {
      const sig = ed25519Sign(secretKey, bytes);
      if (self !== undefined) {
        if (own.size >= OWN_SIGNATURES) own.delete(own.keys().next().value as string);
        own.set(Buffer.from(sig).toString('base64'), bytes.slice());
      }
      return sig;
    },
    verify: (replica, bytes, signature) => {
      if (replica === self) {
        const signed = own.get(Buffer.from(signature).toString('base64'));
        if (signed !== undefined && bytesEqual(signed, bytes)) return true;
      }
      const pk = voteKeys[replica];
      return pk !== undefined && ed25519Verify(pk, bytes, signature);
    },
  };
}
