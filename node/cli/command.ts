// The shape every CLI command module has. Commands live one per file in node/cli/commands/ and are
// listed in node/cli/commands/index.ts; `bench` subcommands likewise in node/cli/bench/index.ts.
import type { Command } from 'commander';

// Commands are imported on demand (commands/index.ts), and a module can then exist twice in one
// process: under mocha, tsx loads test files and their static imports through its CommonJS hook,
// while `import()` goes through its ESM loader, so a command's CliError is not the class main.ts
// sees. A brand in the global symbol registry tells a CliError from any copy of this module.
const CLI_ERROR_BRAND = Symbol.for('knhk.cli.CliError');

/** Raised by a command to end with one clear line on stderr and a chosen exit code. */
export class CliError extends Error {
  readonly [CLI_ERROR_BRAND] = true;
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** True for a CliError (or UsageError) from any copy of this module. */
export function isCliError(e: unknown): e is CliError {
  return e instanceof Error && (e as Partial<Record<typeof CLI_ERROR_BRAND, boolean>>)[CLI_ERROR_BRAND] === true;
}

/** Bad arguments: exit code 2, as the CLI contract requires. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Set by an action to report its outcome; main() returns it. */
  exitCode: number;
}

/** Adds one command (with its options and action) to `program`. */
export type CommandModule = (program: Command, io: CliIo) => void;

/** Prints exactly one JSON object on stdout (the `--json` contract). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/** Parses an integer option, rejecting anything that is not a whole number in range. */
export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw: string) => {
    if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(raw)}`);
    const n = Number(raw);
    if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}
