import assert from 'node:assert/strict';
import { hostPairForSuite } from './host-pair.js';
import { patchTcpWrites } from '../../../node/net/tcp-writes.js';

const PROTOCOL = '/knhk/test-writes/1';

describe('node/net tcp writes (one writev per message)', function () {
  this.timeout(20_000);
  const hosts = hostPairForSuite();

  it('applies to the installed @libp2p/tcp version', async () => {
    assert.equal(await patchTcpWrites(), true);
  });

  it('delivers many small messages intact and in order', async () => {
    const count = 2000;
    const received = new Promise<Uint8Array>((resolve, reject) => {
      void hosts.listener.handle(PROTOCOL, async (stream) => {
        try {
          const parts: Uint8Array[] = [];
          let got = 0;
          for await (const chunk of stream) {
            const bytes = 'subarray' in chunk && typeof chunk.subarray === 'function' ? chunk.subarray() : (chunk as Uint8Array);
            parts.push(bytes.slice());
            got += bytes.length;
            if (got >= count * 2) break;
          }
          resolve(Buffer.concat(parts));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    const s = await hosts.dialer.dialProtocol(hosts.listener.getMultiaddrs()[0], PROTOCOL);
    for (let i = 0; i < count; i++) {
      if (!s.send(Uint8Array.of(i >> 8, i & 0xff))) await s.onDrain();
      if (i % 100 === 0) await new Promise((r) => setImmediate(r)); // many separate socket writes
    }
    const all = await received;
    assert.equal(all.length, count * 2);
    for (let i = 0; i < count; i++) assert.equal((all[2 * i] << 8) | all[2 * i + 1], i, `message ${i}`);
    s.abort(new Error('done'));
  });
});
