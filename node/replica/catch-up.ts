// Catch-up between validators over /knhk/sync/1.0.0 (one request frame, one response frame per
// stream), served from each replica's database. Small gaps are the consensus core's business (it
// fetches recent blocks from peers' memory); this takes over when a replica is far behind — after
// a restart, a long partition, or when the core reports `syncGap`:
//   1. poll peers' status (committed height) every second — every LIVE_POLL_EVERY seconds while
//      this replica's own executed tip keeps advancing (it is taking part in consensus, so it is
//      not far behind; each poll opens a stream per peer, a real share of a loaded replica's
//      frames); also feeds `lag` in status();
//   2. when behind by more than LAG_BLOCKS (twice in a row) or on syncGap, fetch committed blocks
//      with their certificates from the most advanced peer, verify them (chain-verify.ts),
//      execute them, store them, and restart the core at the new tip;
//   3. when the peer cannot serve the blocks (or the gap exceeds consensus.snapshotCatchUpBlocks), install its
//      latest snapshot instead: its block must be proven committed, the state must have the claimed
//      root, and executing the following blocks from it must reproduce the roots that a certified
//      later block carries; then blocks bridge the rest. A snapshot that fails any check is skipped.
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { GENESIS_HASH } from '../../consensus/block.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { restoreState, stateRoot } from '../../kernel/api.js';
import type { ClusterFile } from '../cluster/config.js';
import type { Logger } from '../log/logger.js';
import type { ReplicaMetrics } from '../metrics/replica-metrics.js';
import { encodeFrames, readFirstFrame } from '../net/framing.js';
import type { ValidatorAddress } from '../net/validator-network.js';
import { decodeSyncFrame, encodeSyncFrame, type CommittedBlock, type SyncFrame, type SyncLimits } from '../proto/sync-codec.js';
import { verifyFetchedChain } from './chain-verify.js';
import { executeBlock } from './executor.js';
import { MAX_CONSENSUS_FRAME_BYTES, MAX_SNAPSHOT_BYTES, MAX_SYNC_BLOCKS } from './consensus-config.js';
import type { ReplicaNode } from './replica-node.js';
import { SyncBudget, type SyncBudgetOptions } from './sync-budget.js';
import type { ConsensusCrypto } from '../../consensus/types.js';

export const SYNC_PROTOCOL = '/knhk/sync/1.0.0';
const POLL_MS = 1000;
/** While the executed tip advances between ticks, only every this-many-th tick polls. */
export const LIVE_POLL_EVERY = 5;
/** Behind by more than this many blocks (on two polls in a row) triggers catch-up. */
export const LAG_BLOCKS = 16;
const REQUEST_TIMEOUT_MS = 10_000;
/** Served responses are kept under this size (blocks are cut short, never split). */
const RESPONSE_BYTES_MAX = MAX_CONSENSUS_FRAME_BYTES - 64 * 1024;

export interface CatchUpOptions {
  host: Libp2p;
  node: ReplicaNode;
  cluster: ClusterFile;
  self: number;
  validators: ValidatorAddress[];
  limits: SyncLimits;
  metrics: ReplicaMetrics;
  log: Logger;
  crypto: ConsensusCrypto;
  /** Limits on what one peer may ask of this replica (defaults: SYNC_BUDGET_DEFAULTS). */
  budget?: SyncBudgetOptions;
}

interface PeerStatus {
  id: number;
  committedHeight: number;
  lowestBlockHeight: number;
  snapshotHeight: number;
}

export class CatchUp {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private behindPolls = 0;
  private ticks = 0;
  private tipAtLastTick = -1;
  private gapReported = false;
  private stopped = false;
  private readonly byPeerId = new Map<string, number>();
  private readonly budget: SyncBudget;

  constructor(private readonly o: CatchUpOptions) {
    this.budget = new SyncBudget(o.budget);
    for (const v of o.validators) this.byPeerId.set(v.peerId, v.id);
  }

  async start(): Promise<void> {
    await this.o.host.handle(SYNC_PROTOCOL, (stream, connection) => void this.serve(stream, connection), { maxInboundStreams: 64 });
    this.o.node.onReport = (kind) => {
      if (kind === 'syncGap') {
        this.gapReported = true;
        void this.run();
      }
    };
    const tick = () => {
      this.timer = setTimeout(() => void this.poll().finally(() => !this.stopped && tick()), POLL_MS);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.o.host.unhandle(SYNC_PROTOCOL).catch(() => undefined);
  }

  // ---- client side ----

  private async request(peer: number, req: SyncFrame): Promise<SyncFrame | null> {
    const v = this.o.validators[peer];
    let stream: Stream | null = null;
    try {
      const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
      stream = await this.o.host.dialProtocol(multiaddr(`${v.multiaddrs[0]}/p2p/${v.peerId}`), SYNC_PROTOCOL, { signal });
      stream.send(encodeFrames([encodeSyncFrame(req)]));
      const timeout = new Promise<null>((r) => signal.addEventListener('abort', () => r(null)));
      const reply = await Promise.race([readFirstFrame(stream, MAX_SNAPSHOT_BYTES + 1024 * 1024), timeout]);
      if (reply === null) return null;
      const d = decodeSyncFrame(reply, this.o.limits);
      if (!d.ok) {
        this.o.metrics.drop('bad-sync');
        this.o.log.warn({ peer, reason: d.reason }, 'bad sync response');
        return null;
      }
      return d.value;
    } catch (e) {
      this.o.log.debug({ peer, err: (e as Error).message }, 'sync request failed');
      return null;
    } finally {
      stream?.abort(new Error('done'));
    }
  }

  private async peerStatuses(): Promise<PeerStatus[]> {
    const out: PeerStatus[] = [];
    await Promise.all(
      this.o.validators
        .filter((v) => v.id !== this.o.self)
        .map(async (v) => {
          const r = await this.request(v.id, { type: 'statusRequest' });
          if (r?.type === 'statusResponse') out.push({ id: v.id, committedHeight: r.committedHeight, lowestBlockHeight: r.lowestBlockHeight, snapshotHeight: r.snapshotHeight });
        }),
    );
    return out.sort((a, b) => b.committedHeight - a.committedHeight || a.id - b.id);
  }

  private async poll(): Promise<void> {
    if (this.running || this.stopped) return;
    const tip = this.o.node.executedTip;
    const advancing = tip > this.tipAtLastTick;
    this.tipAtLastTick = tip;
    // Stalled, or already seen behind once: poll every tick, as before.
    if (advancing && this.behindPolls === 0 && this.ticks++ % LIVE_POLL_EVERY !== 0) return;
    const peers = await this.peerStatuses();
    // f+1 peers at or above a height vouch that at least one honest replica reached it.
    const vouched = peers.length > this.o.cluster.f ? peers[this.o.cluster.f].committedHeight : 0;
    this.o.node.peerHeight = vouched;
    if (vouched - this.o.node.executedTip > LAG_BLOCKS) this.behindPolls++;
    else this.behindPolls = 0;
    if (this.behindPolls >= 2 || this.gapReported) await this.run(peers);
  }

  /** Catches up to the most advanced peers; safe to call repeatedly (one run at a time). */
  async run(known?: PeerStatus[]): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const peers = known ?? (await this.peerStatuses());
      this.o.log.debug({ tip: this.o.node.executedTip, peers: peers.map((p) => [p.id, p.committedHeight]) }, 'catch-up: peer heights');
      for (const peer of peers) {
        if (peer.committedHeight <= this.o.node.executedTip) break;
        const gap = peer.committedHeight - this.o.node.executedTip;
        const useSnapshot = peer.lowestBlockHeight > this.o.node.executedTip + 1 || (gap > this.o.cluster.consensus.snapshotCatchUpBlocks && peer.snapshotHeight > this.o.node.executedTip);
        // A snapshot that cannot be verified is skipped; blocks then bridge the rest (or all) of the gap.
        const jumped = useSnapshot && (await this.fromSnapshot(peer.id));
        const moved = (await this.fromBlocks(peer.id, peer.committedHeight)) || jumped;
        if (moved) break;
      }
      this.gapReported = false;
      this.behindPolls = 0;
    } catch (e) {
      this.o.log.error({ err: (e as Error).stack }, 'catch-up failed');
    } finally {
      this.running = false;
    }
  }

  private async tipHash(): Promise<{ height: number; hash: Uint8Array }> {
    const store = this.o.node.store;
    await store.flush();
    const h = store.tip;
    if (h === 0) return { height: 0, hash: GENESIS_HASH };
    const c = await store.getCommitted(h);
    if (c === null) throw new Error(`catch-up: own block ${h} missing`);
    return { height: h, hash: c.block.hash };
  }

  private async fromBlocks(peer: number, target: number): Promise<boolean> {
    const node = this.o.node;
    await node.pause();
    let applied = 0;
    try {
      for (;;) {
        const tip = await this.tipHash();
        if (tip.height >= target) break;
        const r = await this.request(peer, { type: 'blocksRequest', fromHeight: tip.height + 1, maxBlocks: MAX_SYNC_BLOCKS });
        if (r?.type !== 'blocksResponse' || r.blocks.length === 0) break;
        const v = verifyFetchedChain(tip.height, tip.hash, r.blocks, this.o.crypto, this.o.validators.length, this.o.cluster.f);
        if (!v.ok) {
          this.o.metrics.drop('bad-sync');
          this.o.log.warn({ peer, reason: v.reason }, 'catch-up blocks rejected');
          break;
        }
        if (v.committed.length === 0) break; // the peer's newest blocks lack a commit proof yet: the core fetches them
        for (const c of v.committed) await node.applyCaughtUp(c.block, c.qc);
        applied += v.committed.length;
        this.o.metrics.syncedBlocks.inc(v.committed.length);
      }
      if (applied > 0) {
        await node.rebuildCore();
        this.o.log.info({ peer, applied, tip: node.executedTip }, 'caught up from peer blocks');
      }
    } finally {
      node.resume();
    }
    return applied > 0;
  }

  private async fromSnapshot(peer: number): Promise<boolean> {
    const node = this.o.node;
    const r = await this.request(peer, { type: 'snapshotRequest' });
    if (r?.type !== 'snapshotResponse') return false;
    const at = r.at;
    if (at.block.height <= node.executedTip) return false;
    const reject = (why: string) => {
      this.o.metrics.drop('bad-sync');
      this.o.log.warn({ peer, height: at.block.height, why }, 'snapshot rejected');
      return false;
    };
    let kernel = restoreState(r.snapshot);
    if (!bytesEqual(stateRoot(kernel), r.stateRoot)) return reject('its state does not have the claimed root');
    // Prove `at` committed: the blocks after it must be a verified chain with a 2-chain commit.
    const after = await this.request(peer, { type: 'blocksRequest', fromHeight: at.block.height, maxBlocks: MAX_SYNC_BLOCKS });
    if (after?.type !== 'blocksResponse' || after.blocks.length === 0 || !bytesEqual(after.blocks[0].block.hash, at.block.hash)) return reject('blocks after it unavailable');
    const v = verifyFetchedChain(at.block.height - 1, at.block.parent, after.blocks, this.o.crypto, this.o.validators.length, this.o.cluster.f);
    if (!v.ok || v.committed.length === 0) return reject(v.ok ? 'its block is not proven committed' : v.reason);
    // Prove the roots: execute the committed blocks after it from the snapshot state, and require a
    // certified block whose `executed` roots (which 2f+1 voters checked against their own) equal
    // ours at that height. One matching height proves the snapshot state, since execution is deterministic.
    const ours = new Map<number, { stateRoot: Uint8Array; receiptsRoot: Uint8Array }>([[at.block.height, { stateRoot: r.stateRoot, receiptsRoot: r.receiptsRoot }]]);
    for (const c of v.committed.slice(1)) {
      const ex = executeBlock(kernel, c.block, (this.o.cluster.genesis as { chainId: string }).chainId);
      kernel = ex.state;
      ours.set(c.block.height, { stateRoot: ex.execution.stateRoot, receiptsRoot: ex.execution.receiptsRoot });
    }
    let attested = false;
    for (const c of after.blocks.slice(1)) {
      const e = c.block.executed;
      const mine = e === null ? undefined : ours.get(e.height);
      if (e === null || mine === undefined) continue;
      if (!bytesEqual(mine.stateRoot, e.stateRoot) || !bytesEqual(mine.receiptsRoot, e.receiptsRoot)) return reject(`roots at height ${e.height} differ from the certified ones`);
      attested = true;
    }
    if (!attested) return reject('no certified block attests roots we could compute');
    await node.pause();
    try {
      const execution = { height: at.block.height, blockHash: at.block.hash, stateRoot: r.stateRoot, receiptsRoot: r.receiptsRoot, receiptBytes: [] };
      await node.store.installSnapshot({ at, stateRoot: r.stateRoot, receiptsRoot: r.receiptsRoot, state: r.snapshot }, execution);
      node.installKernel(restoreState(r.snapshot), execution);
      await node.rebuildCore();
      this.o.metrics.snapshotsLoaded.inc();
      this.o.log.info({ peer, height: at.block.height }, 'installed verified snapshot');
    } finally {
      node.resume();
    }
    return true;
  }

  // ---- server side ----

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const from = this.byPeerId.get(connection.remotePeer.toString());
    if (from === undefined || from === this.o.self) {
      this.o.metrics.refusedPeers.inc();
      stream.abort(new Error('not a validator'));
      return;
    }
    const request = await readFirstFrame(stream, 64 * 1024);
    if (request === null) {
      stream.abort(new Error('no request'));
      return;
    }
    const d = decodeSyncFrame(request, this.o.limits);
    let reply: SyncFrame;
    if (!d.ok) {
      this.o.metrics.drop('bad-sync');
      reply = { type: 'error', message: d.reason.slice(0, 200) };
    } else {
      const refused = this.budget.admit(from, d.value.type);
      if (refused !== null) {
        this.o.metrics.drop('sync-rate-limited');
        this.o.log.debug({ peer: from, request: d.value.type, why: refused }, 'sync request refused');
        reply = { type: 'error', message: refused };
      } else {
        try {
          reply = await this.answer(d.value).catch((e: Error) => ({ type: 'error' as const, message: e.message.slice(0, 200) }));
        } finally {
          this.budget.done(from);
        }
      }
    }
    try {
      stream.send(encodeFrames([encodeSyncFrame(reply)]));
      await stream.close();
    } catch {
      stream.abort(new Error('send failed'));
    }
  }

  private async answer(req: SyncFrame): Promise<SyncFrame> {
    const store = this.o.node.store;
    switch (req.type) {
      case 'statusRequest': {
        const snapshotHeight = await store.snapshotHeight();
        const s = this.o.node.status();
        // Blocks below the retention low-water mark are gone: a peer further behind takes the snapshot path.
        return { type: 'statusResponse', committedHeight: store.tip, executedHeight: this.o.node.executedTip, view: s.view, lowestBlockHeight: Math.max(1, store.prunedBelow), snapshotHeight };
      }
      case 'blocksRequest': {
        const blocks: CommittedBlock[] = [];
        let bytes = 0;
        for (let h = req.fromHeight; h < req.fromHeight + req.maxBlocks && h <= store.tip; h++) {
          const c = await store.getCommitted(h);
          if (c === null) break;
          const size = c.block.commands.reduce((n, x) => n + x.bytes.length + 64, 512);
          if (blocks.length > 0 && bytes + size > RESPONSE_BYTES_MAX) break;
          bytes += size;
          blocks.push(c);
        }
        // Reached our newest durable block: add the certified blocks above it (held by the core, not
        // in the database yet). Without them the requester can prove only up to our tip minus ~2
        // committed (2-chain), and on an idle chain nothing else would bring it the rest.
        const last = req.fromHeight + blocks.length - 1;
        if (blocks.length < req.maxBlocks && last === store.tip && bytes < RESPONSE_BYTES_MAX / 2) {
          blocks.push(...this.o.node.certifiedChainAbove(last, req.maxBlocks - blocks.length));
        }
        return { type: 'blocksResponse', blocks };
      }
      case 'snapshotRequest': {
        // The newest snapshot with at least two committed blocks after it, so that the receiver can
        // prove its block committed (2-chain) from blocks we can serve.
        const snap = await store.loadServableSnapshot(2);
        if (snap === null) return { type: 'error', message: 'no snapshot' };
        return { type: 'snapshotResponse', at: snap.at, stateRoot: snap.stateRoot, receiptsRoot: snap.receiptsRoot, snapshot: snap.state };
      }
      default:
        return { type: 'error', message: `unexpected ${req.type}` };
    }
  }
}
