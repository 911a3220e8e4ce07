// Every top-level CLI command, one module each. Add a line here when you add a command.
import type { CommandModule } from '../command.js';
import { benchCommand } from './bench.js';
import { simCommand } from './sim.js';
import { keygenCommand } from './keygen.js';
import { submitCommand } from './submit.js';
import { verifyCommand } from './verify.js';
import { demoCommand } from './demo.js';
import { testnetCommand } from './testnet.js';
import { startCommand } from './start.js';
import { upCommand } from './up.js';
import { statusCommand } from './status.js';

export const commands: CommandModule[] = [benchCommand, keygenCommand, submitCommand, verifyCommand, demoCommand, simCommand, testnetCommand, startCommand, upCommand, statusCommand];
