// The options of one simulation run, their defaults and validation. The CLI maps its flags onto
// this; tests and the benchmark build it directly.
import type { UnsafeTestOnly } from '../consensus/types.js';
import type { FaultClass } from './faults.js';
import type { CryptoMode } from './crypto-scheme.js';
import { workloadNames, type WorkloadName } from './workloads.js';

export interface SimOptions {
  seed: number;
  nodes: number;
  byzantine: number;
  /** Client operations to run in total. */
  commands: number;
  faults: FaultClass[];
  /** Regions of the latency matrix (replicas and clients are spread round-robin). */
  regions: number;
  clients: number;
  /** Keys (kv) or resources (governance) the clients work on. */
  keys: number;
  workload: WorkloadName;
  crypto: CryptoMode;
  /** Length of the fault phase in virtual ms. */
  faultWindowMs: number;
  /**
   * After the last fault heals, every operation must complete within this much virtual time — or
   * within what the protocol's own timing allows with f Byzantine leaders in a row, if that is
   * longer (sim/timing.ts protocolRecoveryBoundMs; the report's liveness.boundMs is the bound used).
   */
  livenessBoundMs: number;
  maxEvents: number;
  maxBatchCommands: number;
  /** End the run at the first safety violation (the failure is known; a shorter trace explains it better). */
  stopOnSafetyViolation: boolean;
  /** Send consensus messages as node/proto bytes (encode at the sender, bounded decode at each receiver). */
  wire: boolean;
  /** Keep trace lines (for --trace / --timeline); the hash is always computed. */
  keepTrace: boolean;
  /** Test-only broken safety rules, passed to every honest replica's ConsensusConfig. */
  unsafeTestOnly?: UnsafeTestOnly;
  /** Called now and then with progress (operations completed, planned). */
  onProgress?: (completed: number, planned: number) => void;
}

export const defaultSimOptions: Omit<SimOptions, 'seed'> = {
  nodes: 4,
  byzantine: 1,
  commands: 100,
  faults: [],
  regions: 1,
  clients: 4,
  keys: 3,
  workload: 'kv',
  crypto: 'standin',
  faultWindowMs: 5_000,
  livenessBoundMs: 30_000,
  maxEvents: 5_000_000,
  maxBatchCommands: 256,
  keepTrace: false,
  stopOnSafetyViolation: true,
  wire: true,
};

/** Throws RangeError with a message fit for a usage error. */
export function validateSimOptions(o: SimOptions): void {
  const need = (ok: boolean, msg: string) => {
    if (!ok) throw new RangeError(msg);
  };
  need(Number.isSafeInteger(o.seed) && o.seed >= 0, `seed must be a non-negative integer`);
  need(Number.isInteger(o.nodes) && o.nodes >= 1 && o.nodes <= 100, `--nodes must be 1..100`);
  need(Number.isInteger(o.byzantine) && o.byzantine >= 0, `--byzantine must be >= 0`);
  need(3 * o.byzantine + 1 <= o.nodes, `--byzantine ${o.byzantine} needs at least ${3 * o.byzantine + 1} nodes (n >= 3f+1), got ${o.nodes}`);
  need(Number.isInteger(o.commands) && o.commands >= 0 && o.commands <= 10_000_000, `--commands must be 0..10000000`);
  need(Number.isInteger(o.regions) && o.regions >= 1 && o.regions <= 16, `--regions must be 1..16`);
  need(Number.isInteger(o.clients) && o.clients >= 1 && o.clients <= 10_000, `--clients must be 1..10000`);
  need(Number.isInteger(o.keys) && o.keys >= 1, `--keys must be >= 1`);
  need(o.crypto === 'standin' || o.crypto === 'real', `--crypto must be standin or real`);
  need((workloadNames as readonly string[]).includes(o.workload), `--workload must be one of ${workloadNames.join(', ')}`);
  need(o.livenessBoundMs > 0 && o.faultWindowMs >= 0, `bad time bounds`);
}

/** The f the protocol is configured for: the largest f with 3f+1 <= n (not the count of Byzantine replicas). */
export function protocolF(nodes: number): number {
  return Math.floor((nodes - 1) / 3);
}
