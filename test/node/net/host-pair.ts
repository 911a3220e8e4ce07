// Two libp2p hosts on 127.0.0.1 for transport tests: `listener` listens on a free port, `dialer`
// only dials. Call inside a describe: hosts start before its tests and stop after them.
import type { Libp2p } from '@libp2p/interface';
import { createHost } from '../../../node/net/host.js';

export interface HostPair {
  listener: Libp2p;
  dialer: Libp2p;
}

export function hostPairForSuite(): HostPair {
  const pair = {} as HostPair;
  before(async () => {
    pair.listener = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    pair.dialer = await createHost({ listen: [] });
  });
  after(async () => {
    await pair.dialer?.stop();
    await pair.listener?.stop();
  });
  return pair;
}
