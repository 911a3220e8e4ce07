// A set of command identities (client, seq), grouped by client. The mempool, the proposer's
// "already in flight" set and the voter's "repeats a command" check ask this for every command of
// every block; a string key per lookup (`${seq}:${client}`) cost an allocation and a hash of ~70
// chars each time, while here the client id's hash is computed once per string and the seq is a
// small-integer lookup. Iteration order is never used, so nothing depends on it.
import type { Command } from './types.js';

export type CommandId = Pick<Command, 'client' | 'seq'>;

export class CommandSet {
  private readonly byClient = new Map<string, Set<number>>();

  has(c: CommandId): boolean {
    const seqs = this.byClient.get(c.client);
    return seqs !== undefined && seqs.has(c.seq);
  }

  /** Adds `c`; false if it was already present. */
  add(c: CommandId): boolean {
    let seqs = this.byClient.get(c.client);
    if (seqs === undefined) {
      seqs = new Set();
      this.byClient.set(c.client, seqs);
    } else if (seqs.has(c.seq)) {
      return false;
    }
    seqs.add(c.seq);
    return true;
  }

  static of(commands: Iterable<CommandId>): CommandSet {
    const s = new CommandSet();
    for (const c of commands) s.add(c);
    return s;
  }
}
