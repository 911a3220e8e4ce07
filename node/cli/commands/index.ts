// Every top-level CLI command, one module each. Add a line here when you add a command.
import type { CommandModule } from '../command.js';
import { benchCommand } from './bench.js';
import { simCommand } from './sim.js';
import { keygenCommand } from './keygen.js';
import { submitCommand } from './submit.js';
import { verifyCommand } from './verify.js';

export const commands: CommandModule[] = [benchCommand, keygenCommand, submitCommand, verifyCommand, simCommand];
