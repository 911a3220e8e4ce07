// The `knhk` command line: one commander program, commands registered from their own modules.
// Errors end with one line on stderr and a non-zero exit code; bad arguments exit with 2.
import { Command, CommanderError } from 'commander';
import { isCliError, type CliIo } from './command.js';
import { loadCommands } from './commands/index.js';

export async function main(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const cli: CliIo = {
    out: io?.out ?? ((t) => void process.stdout.write(t)),
    err: io?.err ?? ((t) => void process.stderr.write(t)),
    exitCode: 0,
  };
  const program = new Command('knhk')
    .description('knhk — a Byzantine-fault-tolerant replicated decision service')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (t) => cli.out(t), writeErr: (t) => cli.err(t) });
  for (const add of await loadCommands(argv[0])) add(program, cli);
  for (const sub of program.commands) sub.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return cli.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version requests are successes; everything else commander rejects is usage.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return 0;
      return 2;
    }
    if (isCliError(e)) {
      cli.err(`knhk: ${e.message}\n`);
      return e.exitCode;
    }
    cli.err(`knhk: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
