// One libp2p host (dial-only) with one client channel per validator: what an SDK `Client` talks
// through. Many clients in one process (a load generator, a service with many keys) can share one
// transport, so they share connections and the cache of verified signed roots.
import type { Libp2p } from '@libp2p/interface';
import type { ClusterFile } from '../cluster/config.js';
import { clientAddress } from '../cluster/config.js';
import { createHost } from '../net/host.js';
import { ClientChannel } from './channel.js';
import { RootsCollector } from './roots.js';
import { SignatureCache } from './verify.js';

export class ClientTransport {
  readonly signatures = new SignatureCache();
  /** Shared by every client of this transport: one collection of signed roots per block. */
  readonly roots: RootsCollector;
  private constructor(
    readonly cluster: ClusterFile,
    private readonly host: Libp2p,
    readonly channels: ClientChannel[],
  ) {
    this.roots = new RootsCollector(cluster, channels, this.signatures);
  }

  static async create(cluster: ClusterFile): Promise<ClientTransport> {
    const host = await createHost({ listen: [] });
    const channels = cluster.validators.map((v) => {
      const addr = clientAddress(v);
      return new ClientChannel(host, v.id, addr.includes('/p2p/') ? addr : `${addr}/p2p/${v.peerId}`);
    });
    return new ClientTransport(cluster, host, channels);
  }

  async close(): Promise<void> {
    for (const c of this.channels) c.close();
    await this.host.stop();
  }
}
