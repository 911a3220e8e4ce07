import assert from 'node:assert/strict';
import type { Libp2p } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { createHost } from '../../../node/net/host.js';
import { newLibp2pKey, peerIdOf } from '../../../node/net/identity.js';
import { encodeFrames } from '../../../node/net/framing.js';
import { CONSENSUS_PROTOCOL, ValidatorNetwork, type ValidatorAddress, type ValidatorNetworkOptions } from '../../../node/net/validator-network.js';
import { ReplicaMetrics } from '../../../node/metrics/replica-metrics.js';
import { silentLogger } from '../../../node/log/logger.js';

function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) resolve();
      else if (performance.now() > end) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

interface Node {
  host: Libp2p;
  net: ValidatorNetwork;
  metrics: ReplicaMetrics;
  got: Array<[number, string]>;
}

async function cluster(n: number, opts: (id: number) => Partial<ValidatorNetworkOptions> = () => ({})): Promise<Node[]> {
  const keys = await Promise.all(Array.from({ length: n }, () => newLibp2pKey()));
  const hosts = await Promise.all(keys.map((k) => createHost({ privateKey: k, listen: ['/ip4/127.0.0.1/tcp/0'] })));
  const validators: ValidatorAddress[] = hosts.map((h, id) => ({
    id,
    peerId: peerIdOf(keys[id]),
    multiaddrs: [h.getMultiaddrs()[0].toString().replace(/\/p2p\/.*$/, '')],
  }));
  const nodes: Node[] = [];
  for (let id = 0; id < n; id++) {
    const metrics = new ReplicaMetrics();
    const got: Array<[number, string]> = [];
    const net = new ValidatorNetwork({
      host: hosts[id],
      self: id,
      validators,
      metrics,
      log: silentLogger(),
      maxFrameBytes: 1024,
      onFrame: (from, frame) => got.push([from, Buffer.from(frame).toString()]),
      ...opts(id),
    });
    await net.start();
    nodes.push({ host: hosts[id], net, metrics, got });
  }
  return nodes;
}

async function shutdown(nodes: Node[], extra: Libp2p[] = []): Promise<void> {
  for (const n of nodes) await n.net.stop();
  await Promise.all([...nodes.map((n) => n.host.stop()), ...extra.map((h) => h.stop())]);
}

describe('node/net validator network', function () {
  this.timeout(20000);

  it('delivers frames between validators in order, authenticated by peer id', async () => {
    const nodes = await cluster(3);
    try {
      for (let i = 0; i < 500; i++) nodes[0].net.send(1, new TextEncoder().encode(`m${i}`));
      nodes[2].net.broadcast(new TextEncoder().encode('hello'));
      await until(() => nodes[1].got.length === 501 && nodes[0].got.length === 1);
      const from0 = nodes[1].got.filter(([f]) => f === 0).map(([, m]) => m);
      assert.deepEqual(from0, Array.from({ length: 500 }, (_, i) => `m${i}`));
      assert.deepEqual(nodes[0].got, [[2, 'hello']]);
      await until(() => nodes[0].net.connectedPeers().length === 2);
    } finally {
      await shutdown(nodes);
    }
  });

  it('refuses consensus streams from a peer outside the validator set and counts it', async () => {
    const nodes = await cluster(2);
    const stranger = await createHost({ listen: [] });
    try {
      const target = nodes[0].host.getMultiaddrs()[0];
      let failed = false;
      try {
        const s = await stranger.dialProtocol(multiaddr(target.toString()), CONSENSUS_PROTOCOL);
        s.send(encodeFrames([new TextEncoder().encode('let me in')]));
        await until(() => s.status !== 'open', 3000);
      } catch {
        failed = true;
      }
      void failed; // the dial may fail or the stream may be aborted: either is a refusal
      await until(() => nodes[0].got.length > 0 || true);
      assert.ok((await nodes[0].metrics.value('knhk_refused_peers_total')) >= 1);
      assert.equal(nodes[0].got.length, 0, 'nothing from the stranger reached the replica');
      // The validators themselves still talk.
      nodes[1].net.send(0, new TextEncoder().encode('still fine'));
      await until(() => nodes[0].got.some(([f, m]) => f === 1 && m === 'still fine'));
    } finally {
      await shutdown(nodes, [stranger]);
    }
  });

  it('survives garbage and oversized frames from a validator: stream dropped, counted, replica keeps serving', async () => {
    const nodes = await cluster(2);
    try {
      // Validator 1 goes rogue with raw streams next to its normal link.
      const target = multiaddr(nodes[0].host.getMultiaddrs()[0].toString());
      const s1 = await nodes[1].host.dialProtocol(target, CONSENSUS_PROTOCOL);
      s1.send(encodeFrames([new Uint8Array(5000)])); // above the 1 KiB test limit
      const s2 = await nodes[1].host.dialProtocol(target, CONSENSUS_PROTOCOL);
      s2.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])); // varint that never ends
      await until(() => s1.status !== 'open' && s2.status !== 'open');
      await until(() => true);
      assert.equal(await nodes[0].metrics.value('knhk_dropped_messages_total', { reason: 'oversized' }), 1);
      await until(() => nodes[0].got.length >= 0);
      assert.equal(await nodes[0].metrics.value('knhk_dropped_messages_total', { reason: 'bad-prefix' }), 1);
      nodes[1].net.send(0, new TextEncoder().encode('after garbage'));
      await until(() => nodes[0].got.some(([, m]) => m === 'after garbage'));
      assert.ok(!nodes[0].got.some(([, m]) => m.length > 100), 'the oversized frame never reached the handler');
    } finally {
      await shutdown(nodes);
    }
  });

  it('reconnects after a peer restarts on the same key and address', async () => {
    const nodes = await cluster(2);
    let replacement: Node | null = null;
    try {
      nodes[0].net.send(1, new TextEncoder().encode('one'));
      await until(() => nodes[1].got.length === 1);
      const addr = nodes[1].host.getMultiaddrs()[0].toString().replace(/\/p2p\/.*$/, '');
      const key = (nodes[1].host as unknown as { components: { privateKey: import('@libp2p/interface').PrivateKey } }).components.privateKey;
      assert.equal(nodes[0].net.lost(1), false, 'a link that is up is not lost');
      await nodes[1].net.stop();
      await nodes[1].host.stop();
      // The link was up and broke: the replica driver times out views this peer leads at once.
      await until(() => nodes[0].net.lost(1));
      const host = await createHost({ privateKey: key, listen: [addr] });
      const got: Array<[number, string]> = [];
      const validators = [0, 1].map((id) => ({ id, peerId: (id === 0 ? nodes[0].host : host).peerId.toString(), multiaddrs: [id === 0 ? nodes[0].host.getMultiaddrs()[0].toString().replace(/\/p2p\/.*$/, '') : addr] }));
      const net = new ValidatorNetwork({ host, self: 1, validators, metrics: new ReplicaMetrics(), log: silentLogger(), onFrame: (f, m) => got.push([f, Buffer.from(m).toString()]) });
      await net.start();
      replacement = { host, net, metrics: new ReplicaMetrics(), got };
      nodes[0].net.send(1, new TextEncoder().encode('two'));
      await until(() => got.some(([, m]) => m === 'two'), 8000);
      assert.equal(nodes[0].net.lost(1), false, 'reconnected');
    } finally {
      await shutdown(replacement ? [nodes[0], replacement] : nodes);
    }
  });
  it('heartbeats keep an idle peer responsive; a peer that falls silent is reported once', async () => {
    const lost: number[] = [];
    // Validator 1 sends no heartbeats (a frozen process sends nothing either); 0 does, every 50 ms.
    const nodes = await cluster(2, (id) => ({ heartbeatMs: id === 1 ? 1e9 : 50, silenceMs: 300, onPeerLost: (peer) => lost.push(peer) }));
    try {
      nodes[1].net.send(0, new TextEncoder().encode('hello'));
      nodes[0].net.send(1, new TextEncoder().encode('hello'));
      await until(() => nodes[0].got.length === 1 && nodes[1].got.length === 1);
      assert.equal(nodes[0].net.unresponsive(1), false, 'just heard from');
      await new Promise((r) => setTimeout(r, 700));
      // Nothing but heartbeats went from 0 to 1: empty frames, never handed to onFrame.
      assert.equal(nodes[1].net.unresponsive(0), false, 'heartbeats keep validator 0 responsive');
      assert.deepEqual(nodes[1].got, [[0, 'hello']]);
      assert.equal(nodes[0].net.unresponsive(1), true, 'silent validator 1 is unresponsive');
      assert.equal(nodes[0].net.lost(1), false, 'although its link is up');
      await until(() => lost.length > 0);
      assert.deepEqual(lost, [1], 'reported once, by validator 0 only');
      assert.deepEqual(nodes[0].net.connectedPeers(), [], 'a silent validator is not listed as a peer');
      assert.deepEqual(nodes[1].net.connectedPeers(), [0]);
      nodes[1].net.send(0, new TextEncoder().encode('back'));
      await until(() => nodes[0].got.length === 2);
      assert.equal(nodes[0].net.unresponsive(1), false, 'responsive again once heard from');
      await until(() => nodes[0].net.connectedPeers().length === 1);
    } finally {
      await shutdown(nodes);
    }
  });
});
