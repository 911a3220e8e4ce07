// Loads the public test vectors copied into test/vectors/ (see test/vectors/SOURCES.md) and keeps
// the "N run, N passed" tallies that each vector suite prints when it ends.
import { readFileSync } from 'node:fs';
import { fromHex } from '../../crypto/bytes.js';

const VECTORS = new URL('../vectors/', import.meta.url);

export function loadVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, VECTORS), 'utf8')) as T;
}

/** Hex (either case, possibly empty) to bytes. */
export function hex(s: string): Uint8Array {
  return fromHex(s);
}

/** Counts vectors run, passed and skipped (with reasons) and prints one line per suite. */
export class Tally {
  run = 0;
  passed = 0;
  readonly failures: string[] = [];
  readonly skipped = new Map<string, number>();
  readonly notes: string[] = [];
  constructor(readonly name: string) {}

  check(id: string, ok: boolean, detail = ''): void {
    this.run++;
    if (ok) this.passed++;
    else this.failures.push(`${id}${detail ? `: ${detail}` : ''}`);
  }

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  line(): string {
    let s = `${this.name}: ${this.run} run, ${this.passed} passed`;
    for (const [reason, n] of this.skipped) s += `; ${n} skipped (${reason})`;
    for (const note of this.notes) s += `; ${note}`;
    return s;
  }

  /** Prints the summary line and returns the failures (the caller asserts there are none). */
  report(): string[] {
    console.log(`      ${this.line()}`);
    return this.failures;
  }
}
