// The whole product on 127.0.0.1: 4 real replica processes (`knhk start`), SDK clients submitting
// under load, one replica SIGKILLed mid-load and restarted on its database. Afterwards: it caught
// up, every acknowledged command has the same receipt on every replica (so one receipt chain
// everywhere), every acknowledged receipt verifies offline, the restarted replica signed the roots
// of blocks it missed, a replayed envelope returns the original receipt, and a bad signature is
// refused with a clear error.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesEqual } from '../../../crypto/bytes.js';
import { readEd25519KeyFile } from '../../../crypto/keyfile.js';
import { decodeReceipt, receiptHash } from '../../../kernel/api.js';
import type { ReceiptBundle } from '../../../node/client/bundle.js';
import { clientIdOf, encodeSignedCommand } from '../../../node/client/envelope.js';
import { ClientTransport } from '../../../node/client/transport.js';
import { verifyReceiptBundle } from '../../../node/client/verify.js';
import { loadCluster, type ClusterFile } from '../../../node/cluster/config.js';
import { startLocalCluster, type LocalCluster } from '../../../node/cluster/local.js';
import { Client } from '../../../node/sdk/index.js';
import { multiaddr } from '@multiformats/multiaddr';
import { CLIENT_PROTOCOL } from '../../../node/client/protocol.js';
import { encodeFrames } from '../../../node/net/framing.js';
import { createHost } from '../../../node/net/host.js';
import { readLibp2pKey } from '../../../node/net/identity.js';
import { CONSENSUS_PROTOCOL } from '../../../node/net/validator-network.js';
import { scrapeMetric } from './scrape-metric.js';


const CLIENTS = 4;
const VICTIM = 2;

interface Ack {
  client: string;
  seq: number;
  key: string;
  value: string;
  bundle: ReceiptBundle;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('integration: 4 replica processes, SIGKILL and restart under load', function () {
  this.timeout(240_000);
  let dir: string;
  let lc: LocalCluster | null = null;
  let cluster: ClusterFile;
  let transport: ClientTransport | null = null;
  const clients: Client[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-it-'));
    lc = await startLocalCluster({ nodes: 4, dir, descriptor: 'kv', clients: 8, logLevel: 'warn' });
    cluster = loadCluster(lc.clusterFile);
    transport = await ClientTransport.create(cluster);
    for (let j = 0; j < CLIENTS; j++) {
      // Each client starts on a different replica; retries move on after 3 s.
      clients.push(new Client({ cluster, key: join(dir, 'clients', `client-${j + 3}.key.json`), transport, replica: j % 4, timeoutMs: 3000, retries: 6 }));
    }
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await transport?.close().catch(() => {});
    // Always reap every child, even when the test failed half-way.
    await lc?.stop().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged command and converges on one receipt chain', async () => {
    const acks: Ack[] = [];
    const errors: string[] = [];
    let stop = false;
    let phase = 'before';
    const ackedWhileDown: Ack[] = [];
    const loops = clients.map(async (c, j) => {
      for (let i = 0; !stop; i++) {
        const key = `c${j}-k${i % 5}`;
        const value = `v${i}`;
        try {
          const r = await c.submit('put', { key, value });
          assert.equal(r.receipt.result, 'ok');
          const ack = { client: c.id, seq: r.seq, key, value, bundle: r.bundle };
          acks.push(ack);
          if (phase === 'down') ackedWhileDown.push(ack);
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    });

    // Each phase lasts a few seconds and at most 30 s: long enough for a view change under load.
    const until = async (minMs: number, done: () => boolean) => {
      const t0 = performance.now();
      while (performance.now() - t0 < 30_000 && (performance.now() - t0 < minMs || !done())) await sleep(100);
    };
    await until(3000, () => acks.length >= 8);
    const before = acks.length;
    assert.ok(before > 0, `no command acknowledged before the crash (errors: ${errors.slice(0, 3).join(' | ')})`);
    await lc!.kill(VICTIM, 'SIGKILL');
    phase = 'down';
    await until(3000, () => ackedWhileDown.length >= 8);
    assert.ok(ackedWhileDown.length > 0, `the cluster did not commit with one replica down (errors: ${errors.slice(-3).join(' | ')})`);
    await lc!.restart(VICTIM);
    phase = 'after';
    const downCount = ackedWhileDown.length;
    await until(3000, () => acks.length >= before + downCount + 8);
    stop = true;
    await Promise.all(loops);
    assert.ok(acks.length > before + downCount, `no command acknowledged after the restart (errors: ${errors.slice(-3).join(' | ')})`);

    // The restarted replica catches up to the others' committed height.
    const target = Math.max(...(await clients[0].status()).map((s) => s.status?.height ?? 0));
    let caughtUp = false;
    for (let t = 0; t < 60 && !caughtUp; t++) {
      const st = (await clients[0].status()).find((s) => s.replica === VICTIM)?.status;
      caughtUp = st !== undefined && st.executedHeight >= target;
      if (!caughtUp) await sleep(500);
    }
    assert.ok(caughtUp, `replica ${VICTIM} did not catch up to height ${target}`);

    // Every acknowledged command: the same receipt bytes on every replica, and it verifies offline.
    for (const a of acks) {
      const v = verifyReceiptBundle(a.bundle, cluster);
      assert.ok(v.ok, `ack ${a.client.slice(0, 8)}/${a.seq} does not verify: ${!v.ok ? v.reason : ''}`);
      for (const ch of transport!.channels) {
        const res = await ch.request({ kind: 'awaitReceipt', client: a.client, seq: a.seq, timeoutMs: 10_000 }, 12_000);
        assert.equal(res.kind, 'receipt', `replica ${ch.replica} has no receipt for an acknowledged command`);
        if (res.kind === 'receipt') assert.ok(bytesEqual(res.receipt.receiptBytes, a.bundle.record.receiptBytes), `replica ${ch.replica} holds a different receipt`);
      }
    }
    // The acknowledged receipts are links of one hash chain (consecutive indexes link up).
    const byIndex = new Map(acks.map((a) => [decodeReceipt(a.bundle.record.receiptBytes).index, a.bundle.record.receiptBytes]));
    let links = 0;
    for (const [i, bytes] of byIndex) {
      const prev = byIndex.get(i - 1);
      if (prev !== undefined) {
        assert.ok(bytesEqual(decodeReceipt(bytes).prevReceiptHash, receiptHash(prev)), `receipt ${i} does not link to ${i - 1}`);
        links++;
      }
    }
    assert.ok(links > 0);
    if (process.env.KNHK_IT_VERBOSE) console.log(`acks ${acks.length} (while down ${ackedWhileDown.length}), errors ${errors.length}, chain links ${links}, first error: ${errors[0] ?? '-'}`);

    // The restarted replica re-executed the blocks it missed: it signs the very same roots.
    const missed = ackedWhileDown[ackedWhileDown.length - 1].bundle.record;
    const roots = await transport!.channels[VICTIM].request({ kind: 'signedRoots', height: missed.height, timeoutMs: 10_000 }, 12_000);
    assert.equal(roots.kind, 'signedRoots');
    if (roots.kind === 'signedRoots') {
      assert.ok(bytesEqual(roots.roots.stateRoot, missed.stateRoot) && bytesEqual(roots.roots.receiptsRoot, missed.receiptsRoot));
    }

    // Reads agree with the last acknowledged write of a key (linearizable read through consensus).
    const last = [...acks].reverse().find((a) => a.client === clients[1].id)!;
    assert.equal(await clients[1].read(last.key), last.value);
    // A local read is one replica's state: it converges on the same value (bounded wait), and a
    // read of state the descriptor does not declare is refused with a clear reason.
    let local: unknown = null;
    for (let i = 0; i < 50 && local !== last.value; i++) {
      local = await clients[1].read(last.key, { local: true });
      if (local !== last.value) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(local, last.value);
    await assert.rejects(clients[1].read(last.key, { local: true, state: 'nope' }), /declares no state named "nope"/);
  });

  it('returns the original receipt for a replayed command and refuses a bad signature', async () => {
    const key = readEd25519KeyFile(join(dir, 'clients', 'client-7.key.json'));
    const id = clientIdOf(key.publicKey);
    const env = encodeSignedCommand(key.secretKey, { principal: id, seq: 1, type: 'put', fields: { key: 'replay', value: 'once' } });
    const first = await transport!.channels[0].request({ kind: 'submit', envelope: env, wait: true, timeoutMs: 15_000 }, 17_000);
    assert.equal(first.kind, 'receipt');
    const again = await transport!.channels[3].request({ kind: 'submit', envelope: env, wait: true, timeoutMs: 15_000 }, 17_000);
    assert.equal(again.kind, 'receipt');
    if (first.kind === 'receipt' && again.kind === 'receipt') {
      assert.ok(bytesEqual(first.receipt.receiptBytes, again.receipt.receiptBytes), 'a replay must return the original receipt');
      assert.equal(decodeReceipt(first.receipt.receiptBytes).result, 'ok');
    }
    // Replica 0 admitted the command and made its block durable: both stages are timed.
    const port0 = cluster.validators[0].metricsPort;
    assert.ok((await scrapeMetric(port0, 'knhk_admission_seconds_count')) >= 1, 'admission checks are timed');
    assert.ok((await scrapeMetric(port0, 'knhk_commit_write_seconds_count')) >= 1, 'commit writes are timed');

    const bad = encodeSignedCommand(key.secretKey, { principal: id, seq: 2, type: 'put', fields: { key: 'x', value: 'y' } });
    bad[40] ^= 0x01; // inside the signature
    const res = await transport!.channels[1].request({ kind: 'submit', envelope: bad, wait: true, timeoutMs: 5000 }, 7000);
    assert.equal(res.kind, 'error');
    if (res.kind === 'error') {
      assert.equal(res.code, 'bad-envelope');
      assert.match(res.message, /bad client signature/);
    }
  });

  it('refuses a peer outside the validator set and survives garbage and oversized frames', async () => {
    const v0 = cluster.validators[0];
    const target = multiaddr(`${v0.multiaddrs[0]}/p2p/${v0.peerId}`);
    const refusedBefore = await scrapeMetric(v0.metricsPort, 'knhk_refused_peers_total');
    const droppedBefore = await scrapeMetric(v0.metricsPort, 'knhk_dropped_messages_total');

    // An outsider (fresh libp2p key) opening a consensus stream is refused and counted.
    const outsider = await createHost({ listen: [] });
    try {
      const s = await outsider.dialProtocol(target, CONSENSUS_PROTOCOL);
      try {
        s.send(encodeFrames([new Uint8Array(64).fill(1)]));
      } catch {
        // already reset by the replica: that is the refusal
      }
      for (let t = 0; t < 50 && (await scrapeMetric(v0.metricsPort, 'knhk_refused_peers_total')) <= refusedBefore; t++) await sleep(100);
      assert.ok((await scrapeMetric(v0.metricsPort, 'knhk_refused_peers_total')) > refusedBefore, 'the outsider was not counted as refused');

      // The same outsider may use the client protocol, but garbage and an oversized frame only end its stream.
      const c = await outsider.dialProtocol(target, CLIENT_PROTOCOL);
      c.send(encodeFrames([new Uint8Array(300).map((_, i) => (i * 89) & 0xff)]));
      c.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])); // a ~4 GB length prefix
    } finally {
      await outsider.stop();
    }

    // An insider (validator 3's own libp2p key) sending garbage and an oversized frame on consensus.
    const insider = await createHost({ listen: [], privateKey: readLibp2pKey(join(dir, 'replica-3', 'keys', 'libp2p.key.json')) });
    try {
      const s = await insider.dialProtocol(target, CONSENSUS_PROTOCOL);
      s.send(encodeFrames([new Uint8Array(500).map((_, i) => (i * 31 + 7) & 0xff), new Uint8Array(0)]));
      await sleep(300);
      s.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 9, 9, 9]));
      await sleep(500);
    } finally {
      await insider.stop();
    }
    assert.ok((await scrapeMetric(v0.metricsPort, 'knhk_dropped_messages_total')) > droppedBefore, 'garbage was not counted as dropped');

    // Every replica still serves and the cluster still commits.
    assert.equal(lc!.processes.filter((p) => p !== null && p.exitCode === null).length, 4, 'a replica process died');
    const r = await clients[0].submit('put', { key: 'after-garbage', value: 'ok' });
    assert.equal(r.receipt.result, 'ok');
    const st = await clients[0].status();
    assert.ok(st.every((x) => x.status !== undefined), 'every replica answers status');
  });
});
