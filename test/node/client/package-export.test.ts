// `import { Client } from 'knhk'` resolves (package.json "exports") to the SDK with its public API.
import assert from 'node:assert/strict';
import * as sdk from 'knhk';

describe("package export 'knhk'", () => {
  it('exposes the SDK', () => {
    for (const name of ['Client', 'ClientTransport', 'verifyReceiptBundle', 'bundleFromJson', 'bundleToJson', 'CommandRejectedError', 'SubmitTimeoutError', 'VerificationError', 'governanceCosignature', 'readEd25519KeyFile']) {
      assert.equal(typeof (sdk as Record<string, unknown>)[name], 'function', name);
    }
  });
});
