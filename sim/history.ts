// The client operation history of a run: one record per operation a simulated client invoked, with
// its virtual invoke and completion times and what it observed. It is the input of the
// linearizability checker and the `--history FILE` output (JSON lines, one operation per line).

export type RegisterValue = string | null;

export interface HistoryOp {
  client: string;
  /** The client's command sequence number (retries reuse it, so one op = one seq). */
  seq: number;
  op: 'put' | 'get';
  key: string;
  /** For put: the value written. For get: null (the value read is `result`). */
  value: RegisterValue;
  invoke: number;
  /** Virtual time the result reached the client; null when it never did. */
  complete: number | null;
  /** put: 'ok' (or the kernel's decision when it refused); get: the value read (null when unset). */
  result: RegisterValue;
}

export class History {
  private readonly ops: HistoryOp[] = [];
  private readonly open = new Map<string, HistoryOp>();

  invoke(client: string, seq: number, op: 'put' | 'get', key: string, value: RegisterValue, atMs: number): void {
    const id = `${client}#${seq}`;
    if (this.open.has(id)) throw new Error(`history: ${id} invoked twice`);
    const rec: HistoryOp = { client, seq, op, key, value, invoke: atMs, complete: null, result: null };
    this.ops.push(rec);
    this.open.set(id, rec);
  }

  /** Records the first result of an open op; later duplicates (retries answered twice) are ignored. */
  complete(client: string, seq: number, atMs: number, result: RegisterValue): boolean {
    const id = `${client}#${seq}`;
    const rec = this.open.get(id);
    if (!rec) return false;
    if (atMs < rec.invoke) throw new Error(`history: ${id} completed before it was invoked`);
    rec.complete = atMs;
    rec.result = result;
    this.open.delete(id);
    return true;
  }

  isOpen(client: string, seq: number): boolean {
    return this.open.has(`${client}#${seq}`);
  }

  all(): readonly HistoryOp[] {
    return this.ops;
  }

  completedCount(): number {
    return this.ops.length - this.open.size;
  }

  /** JSON lines in invocation order (the `--history FILE` format). */
  toJsonLines(): string {
    return this.ops.map((o) => JSON.stringify(o)).join('\n') + (this.ops.length > 0 ? '\n' : '');
  }
}
