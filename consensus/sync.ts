// Catch-up from peers' memory: a replica that meets a block or QC whose ancestors it lacks asks the
// peer that sent it for that block and its ancestors; the answer is checked block by block (hash
// recomputed once, justify QC verified, linked to a held parent) before anything is stored. A gap
// older than what peers keep is reported (`syncGap`) for the driver's snapshot sync.
import { bytesEqual } from '../crypto/bytes.js';
import { blockHash, hashKey } from './block.js';
import { processQc, tryCommit, verifiedQc } from './certificates.js';
import { tryPropose } from './proposer.js';
import { retryAwaiting } from './voter.js';
import type { Out, ReplicaState } from './state.js';
import type { Block, Hash, ReplicaId } from './types.js';

/** Sync requests remembered at most (older ones are forgotten and may be asked again). */
const MAX_REQUESTS = 256;

/** Ask `peer` for `hash` and its ancestors, at most once per view per hash. */
export function requestSync(s: ReplicaState, hash: Hash, peer: ReplicaId, out: Out): void {
  if (peer === s.cfg.self) return;
  const key = hashKey(hash);
  const asked = s.syncRequested.get(key);
  if (asked !== undefined && asked >= s.pm.view) return;
  if (s.syncRequested.size >= MAX_REQUESTS) s.syncRequested.clear();
  s.syncRequested.set(key, s.pm.view);
  out.push({ type: 'send', to: peer, message: { type: 'syncRequest', blockHash: hash, maxBlocks: s.cfg.maxSyncBlocks } });
}

export function onSyncRequest(s: ReplicaState, from: ReplicaId, hash: Hash, maxBlocks: number, out: Out): void {
  const blocks = s.tree.chainEndingAt(hash, Math.min(maxBlocks, s.cfg.maxSyncBlocks));
  out.push({ type: 'send', to: from, message: { type: 'syncResponse', blocks } });
}

export function onSyncResponse(s: ReplicaState, from: ReplicaId, blocks: Block[], out: Out): void {
  if (blocks.length === 0) return;
  const newest = blocks[blocks.length - 1];
  const key = hashKey(newest.hash);
  if (!s.syncRequested.has(key)) {
    out.push({ type: 'dropped', from, reason: 'malformed', detail: 'unrequested sync response' });
    return;
  }
  s.syncRequested.delete(key);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (i > 0 && !bytesEqual(b.parent, blocks[i - 1].hash)) {
      out.push({ type: 'dropped', from, reason: 'malformed', detail: 'sync blocks not a chain' });
      return;
    }
    if (b.height !== b.justify.height + 1 || !bytesEqual(b.parent, b.justify.blockHash) || b.view <= b.justify.view) {
      out.push({ type: 'dropped', from, reason: 'malformed', detail: 'sync block does not extend its justify' });
      return;
    }
    if (!bytesEqual(blockHash(b), b.hash)) {
      out.push({ type: 'dropped', from, reason: 'badHash' });
      return;
    }
    if (verifiedQc(s, b.justify) === null) {
      out.push({ type: 'dropped', from, reason: 'badCertificate', detail: 'sync block justify' });
      return;
    }
  }
  const first = blocks[0];
  if (!s.tree.has(first.parent) && first.height > s.tree.committedTip.height + 1) {
    if (blocks.length < s.cfg.maxSyncBlocks) {
      out.push({ type: 'report', kind: 'syncGap', detail: `peer ${from} lacks ancestors below height ${first.height}; committed height ${s.tree.committedTip.height}` });
      return;
    }
    // Keep walking back; these blocks are checked again when the gap below them is filled.
    requestSync(s, first.parent, from, out);
    return;
  }
  for (const b of blocks) {
    s.tree.insert(b);
    const justify = verifiedQc(s, b.justify);
    if (justify !== null) processQc(s, justify, from, out);
  }
  if (s.pendingCommit !== null) tryCommit(s, s.pendingCommit, from, out);
  retryAwaiting(s, out);
  tryPropose(s, out);
}
