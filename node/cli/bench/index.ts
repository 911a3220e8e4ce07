// Every `knhk bench` subcommand, one module each. Add a line here when you add a benchmark.
import type { CommandModule } from '../command.js';

export const benches: CommandModule[] = [];
