// Maps cluster.json's consensus parameters to the core's ConsensusConfig and the wire limits the
// decoders enforce, so the two can never disagree about what is too big.
import type { ConsensusConfig } from '../../consensus/types.js';
import { MAX_ENVELOPE_BYTES } from '../client/envelope.js';
import type { ClusterFile } from '../cluster/config.js';
import type { WireLimits } from '../proto/consensus-codec.js';
import type { SyncLimits } from '../proto/sync-codec.js';

/** Block payload cap: a sync response of MAX_SYNC_BLOCKS full blocks still fits one frame. */
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_SYNC_BLOCKS = 8;
/** Largest consensus/sync frame: MAX_SYNC_BLOCKS full blocks plus certificates. */
export const MAX_CONSENSUS_FRAME_BYTES = (MAX_SYNC_BLOCKS + 2) * MAX_BATCH_BYTES;
/** Largest kernel snapshot served or accepted in catch-up. */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

export function consensusConfig(cluster: ClusterFile, self: number): ConsensusConfig {
  return {
    n: cluster.validators.length,
    f: cluster.f,
    self,
    maxBatchCommands: cluster.consensus.batchMax,
    maxBatchBytes: MAX_BATCH_BYTES,
    maxCommandBytes: MAX_ENVELOPE_BYTES,
    baseTimeoutMs: cluster.consensus.viewTimeoutMs,
    maxTimeoutMs: cluster.consensus.viewTimeoutMaxMs,
    maxSyncBlocks: MAX_SYNC_BLOCKS,
    retainCommittedBlocks: cluster.consensus.retainCommittedBlocks,
    // The driver hands every admitted client command to every replica (ReplicaNode.submit), so
    // whichever replica leads next already holds it: forwarding only to the current leader stalls
    // an idle chain until a view timeout (the current leader has already proposed in its view).
    forwardCommands: false,
  };
}

export function wireLimits(cluster: ClusterFile): WireLimits {
  return { n: cluster.validators.length, maxCommands: cluster.consensus.batchMax, maxCommandBytes: MAX_ENVELOPE_BYTES, maxSyncBlocks: MAX_SYNC_BLOCKS };
}

export function syncLimits(cluster: ClusterFile): SyncLimits {
  return { ...wireLimits(cluster), maxSnapshotBytes: MAX_SNAPSHOT_BYTES };
}
