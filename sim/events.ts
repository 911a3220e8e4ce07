// Everything that can happen in a run, as the entries of the cluster's event queue.
import type { Command, Message, ReplicaId } from '../consensus/types.js';
import type { RegisterValue } from './history.js';

export type SimEvent =
  /** `bytes` in wire mode (the receiver decodes them), else the message object itself. */
  | { k: 'deliver'; host: number; from: ReplicaId; fromLabel: string; message: Message | null; bytes: Uint8Array | null }
  | { k: 'timer'; host: number; view: number; incarnation: number }
  | { k: 'request'; host: number; client: number; command: Command }
  | { k: 'reply'; client: number; replica: ReplicaId; seq: number; result: RegisterValue }
  | { k: 'clientNext'; client: number }
  | { k: 'clientRetry'; client: number; seq: number; attempt: number }
  | { k: 'crash'; host: number }
  | { k: 'restart'; host: number };
