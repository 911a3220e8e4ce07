// A set of command identities (client, seq), grouped by client. The mempool's "already in flight"
// exclusions and the voter's "repeats a command" check ask this for every command of every block;
// a string key per lookup (`${seq}:${client}`) cost an allocation and a hash of ~70 chars each
// time, while here the client id's hash is computed once per string and the seq is a number. Most
// clients have one command in flight, so a single seq is stored inline and a Set is made only for
// a client's second seq. Iteration order is never used, so nothing depends on it.
import type { Command } from './types.js';

export type CommandId = Pick<Command, 'client' | 'seq'>;

export class CommandSet {
  private readonly byClient = new Map<string, number | Set<number>>();

  has(c: CommandId): boolean {
    const seqs = this.byClient.get(c.client);
    if (seqs === undefined) return false;
    return typeof seqs === 'number' ? seqs === c.seq : seqs.has(c.seq);
  }

  /** Adds `c`; false if it was already present. */
  add(c: CommandId): boolean {
    const seqs = this.byClient.get(c.client);
    if (seqs === undefined) {
      this.byClient.set(c.client, c.seq);
      return true;
    }
    if (typeof seqs === 'number') {
      if (seqs === c.seq) return false;
      this.byClient.set(c.client, new Set([seqs, c.seq]));
      return true;
    }
    if (seqs.has(c.seq)) return false;
    seqs.add(c.seq);
    return true;
  }

  static of(commands: Iterable<CommandId>): CommandSet {
    const s = new CommandSet();
    for (const c of commands) s.add(c);
    return s;
  }
}
