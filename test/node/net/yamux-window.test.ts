import assert from 'node:assert/strict';
import type { Stream } from '@libp2p/interface';
import { hostPairForSuite } from './host-pair.js';
import { patchYamuxWindowUpdates } from '../../../node/net/yamux-window.js';

const PROTOCOL = '/knhk/test-window/1';

/** Reads `total` bytes from a stream (its chunks may be Uint8Arrays or Uint8ArrayLists). */
async function readBytes(stream: Stream, total: number): Promise<number> {
  let got = 0;
  for await (const chunk of stream) {
    got += chunk.byteLength;
    if (got >= total) break;
  }
  return got;
}

describe('node/net yamux window updates', function () {
  this.timeout(20_000);
  const hosts = hostPairForSuite();

  it('applies to the installed yamux version', async () => {
    assert.equal(await patchYamuxWindowUpdates(), true);
  });

  it('still moves far more than one window (256 KiB) in both directions: flow control intact', async () => {
    const total = 3_000_000; // a multiple of the 1,000-byte pieces
    const echoed = new Promise<number>((resolve, reject) => {
      void hosts.listener.handle(PROTOCOL, async (stream) => {
        try {
          let got = 0;
          for await (const chunk of stream) {
            got += chunk.byteLength;
            // Echo every chunk back, honouring backpressure.
            const bytes = 'subarray' in chunk && typeof chunk.subarray === 'function' ? chunk.subarray() : (chunk as Uint8Array);
            if (!stream.send(bytes)) await stream.onDrain();
            if (got >= total) break;
          }
          resolve(got);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    const s = await hosts.dialer.dialProtocol(hosts.listener.getMultiaddrs()[0], PROTOCOL);
    const reading = readBytes(s, total);
    const piece = new Uint8Array(1000).fill(1);
    for (let sent = 0; sent < total; sent += piece.length) {
      if (!s.send(piece)) await s.onDrain();
    }
    assert.equal(await echoed, total);
    assert.equal(await reading, total);
    s.abort(new Error('done'));
  });
});
