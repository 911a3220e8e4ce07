// Worker thread for HybridWorkerPool (crypto/worker-pool.ts): runs the slow lattice half of hybrid
// signatures (and the rare ZIP-215 Ed25519 fallback) off the main event loop.
// Plain .mjs so it loads in any worker without a TypeScript loader. It makes exactly the same
// library calls as crypto/hybrid.ts and crypto/ed25519.ts on bytes the main thread already built
// (hybridSignedBytes), so both paths reach the same verdict; test/crypto/worker-pool.test.ts checks it.
import { parentPort } from 'node:worker_threads';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ed25519 } from '@noble/curves/ed25519.js';

if (parentPort === null) throw new Error('mldsa-worker.mjs must run in a worker thread');
const port = parentPort;

port.on('message', (task) => {
  try {
    if (task.op === 'sign') {
      const signature = ml_dsa65.sign(task.bytes, task.secretKey, { extraEntropy: false });
      port.postMessage({ id: task.id, ok: true, value: signature }, [signature.buffer]);
    } else if (task.op === 'verify') {
      let valid = true;
      if (task.ed25519Fallback) valid = safe(() => ed25519.verify(task.edSignature, task.bytes, task.edPublicKey, { zip215: true }));
      if (valid) valid = safe(() => ml_dsa65.verify(task.mlSignature, task.bytes, task.mlPublicKey));
      port.postMessage({ id: task.id, ok: true, value: valid });
    } else {
      port.postMessage({ id: task.id, ok: false, error: `unknown op ${String(task.op)}` });
    }
  } catch (e) {
    port.postMessage({ id: task.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});

function safe(check) {
  try {
    return check() === true;
  } catch {
    return false;
  }
}
