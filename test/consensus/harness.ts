// A tiny synchronous driver for consensus tests: n replicas, a FIFO virtual-time queue, messages
// delivered after 1 ms unless a filter drops them, timers honoured, commits "executed" at once with
// a fake state root. Checks the effect contract on the way (persist before the send it guards).
import { Tag, hashTagged } from '../../crypto/hash.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { Replica } from '../../consensus/replica.js';
import type { Block, ConsensusConfig, ConsensusCrypto, Effect, Input, Message, RecoveredState, ReplicaId, SafetyState } from '../../consensus/types.js';

/** Deterministic stand-in signatures: H(id || bytes). Unforgeable enough for tests that never forge. */
export function fakeCrypto(self: ReplicaId): ConsensusCrypto {
  return {
    sign: (bytes) => hashTagged(Tag.vote, Uint8Array.of(self), bytes),
    verify: (replica, bytes, sig) => bytesEqual(hashTagged(Tag.vote, Uint8Array.of(replica), bytes), sig),
  };
}

export function testConfig(n: number, self: ReplicaId, extra: Partial<ConsensusConfig> = {}): ConsensusConfig {
  return { n, f: Math.floor((n - 1) / 3), self, maxBatchCommands: 100, maxBatchBytes: 1 << 20, baseTimeoutMs: 100, maxTimeoutMs: 1600, ...extra };
}

interface Queued {
  at: number;
  seq: number;
  to: ReplicaId;
  input: Input;
}

export type LinkFilter = (from: ReplicaId, to: ReplicaId, m: Message, now: number) => boolean;

export class Cluster {
  readonly replicas: Replica[];
  readonly committed: Block[][];
  readonly persisted: (SafetyState | null)[];
  readonly effects: Effect[][];
  private readonly queue: Queued[] = [];
  private seq = 0;
  now = 0;
  crashed = new Set<ReplicaId>();
  filter: LinkFilter = () => true;
  messagesSent = 0;

  constructor(
    readonly n: number,
    private readonly extra: Partial<ConsensusConfig> = {},
  ) {
    this.replicas = Array.from({ length: n }, (_, i) => new Replica(testConfig(n, i, extra), fakeCrypto(i)));
    this.committed = Array.from({ length: n }, () => []);
    this.persisted = Array.from({ length: n }, () => null);
    this.effects = Array.from({ length: n }, () => []);
  }

  start(): void {
    for (let i = 0; i < this.n; i++) this.push(0, i, { type: 'start' });
  }

  submit(to: ReplicaId, client: string, seq: number): void {
    this.push(this.now, to, { type: 'clientCommand', command: { client, seq, bytes: new TextEncoder().encode(`${client}#${seq}`) } });
  }

  /** Restart replica `i` from what it persisted (safety state + committed chain). */
  restart(i: ReplicaId): void {
    const chain = this.committed[i];
    const last = chain[chain.length - 1];
    const safety = this.persisted[i];
    const recovered: RecoveredState | undefined =
      safety === null ? undefined : { safety, committed: last === undefined ? null : { block: last, qc: safety.highQc }, executed: last === undefined ? undefined : this.roots(last) };
    this.replicas[i] = new Replica(testConfig(this.n, i, this.extra), fakeCrypto(i), recovered);
    this.crashed.delete(i);
    this.push(this.now, i, { type: 'start' });
  }

  roots(b: Block): { height: number; blockHash: Uint8Array; stateRoot: Uint8Array; receiptsRoot: Uint8Array } {
    return { height: b.height, blockHash: b.hash, stateRoot: hashTagged(Tag.stateRoot, b.hash), receiptsRoot: hashTagged(Tag.receipt, b.hash) };
  }

  push(at: number, to: ReplicaId, input: Input): void {
    this.queue.push({ at, seq: this.seq++, to, input });
  }

  /** Run until virtual time `untilMs` or `maxSteps` inputs. */
  run(untilMs: number, maxSteps = 200_000): void {
    for (let steps = 0; steps < maxSteps; steps++) {
      if (this.queue.length === 0) return;
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) {
        const a = this.queue[i], b = this.queue[best];
        if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
      }
      const next = this.queue[best];
      if (next.at > untilMs) return;
      this.queue.splice(best, 1);
      this.now = next.at;
      if (this.crashed.has(next.to)) continue;
      this.apply(next.to, this.replicas[next.to].step(next.input));
    }
  }

  private apply(i: ReplicaId, effects: Effect[]): void {
    this.effects[i].push(...effects);
    for (const e of effects) {
      switch (e.type) {
        case 'persist':
          this.persisted[i] = e.safety;
          break;
        case 'send':
          this.deliver(i, e.to, e.message);
          break;
        case 'broadcast':
          for (let j = 0; j < this.n; j++) if (j !== i) this.deliver(i, j, e.message);
          break;
        case 'setTimer':
          this.push(this.now + e.durationMs, i, { type: 'timer', view: e.view });
          break;
        case 'commit':
          this.committed[i].push(e.block);
          this.push(this.now, i, { type: 'executed', ...this.roots(e.block) });
          break;
        case 'report':
        case 'dropped':
          break;
      }
    }
  }

  private deliver(from: ReplicaId, to: ReplicaId, message: Message): void {
    if (message.type === 'vote' || message.type === 'timeout') {
      const persisted = this.persisted[from];
      const view = message.type === 'vote' ? message.vote.view : message.timeout.view;
      if (persisted === null || persisted.highestVotedView < view) throw new Error(`replica ${from} sent a ${message.type} for view ${view} before persisting it`);
    }
    this.messagesSent++;
    if (!this.filter(from, to, message, this.now)) return;
    this.push(this.now + 1, to, { type: 'message', from, message });
  }

  /** Every pair of replicas agrees on each height both committed. */
  assertAgreement(): void {
    for (let i = 0; i < this.n; i++) {
      for (let j = i + 1; j < this.n; j++) {
        const a = this.committed[i], b = this.committed[j];
        for (let h = 0; h < Math.min(a.length, b.length); h++) {
          if (toHex(a[h].hash) !== toHex(b[h].hash)) throw new Error(`replicas ${i} and ${j} disagree at committed index ${h}`);
        }
      }
    }
  }

  committedCommands(i: ReplicaId): string[] {
    return this.committed[i].flatMap((b) => b.commands.map((c) => `${c.client}#${c.seq}`));
  }
}
