// Every top-level CLI command, one module each. Add a line here when you add a command.
import type { CommandModule } from '../command.js';
import { benchCommand } from './bench.js';

export const commands: CommandModule[] = [benchCommand];
