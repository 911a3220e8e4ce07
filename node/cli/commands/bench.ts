// `knhk bench <what>`: the benchmark family. Each benchmark is its own module in node/cli/bench/.
import type { Command } from 'commander';
import type { CommandModule } from '../command.js';
import { benches } from '../bench/index.js';

export const benchCommand: CommandModule = (program: Command, io) => {
  const bench = program.command('bench').description('measure knhk on this machine (see README: Benchmarks)');
  for (const add of benches) add(bench, io);
};
