// Every top-level CLI command, one module each, in the order `knhk --help` lists them. Add a line
// here when you add a command. Modules are loaded on demand: a command pulls in only what it uses,
// so `knhk verify` does not load libp2p, level and the replica (through the TypeScript loader that
// costs about a second per process); help and unknown names load them all.
import type { CommandModule } from '../command.js';

export const commandLoaders: ReadonlyArray<readonly [name: string, load: () => Promise<CommandModule>]> = [
  ['bench', async () => (await import('./bench.js')).benchCommand],
  ['keygen', async () => (await import('./keygen.js')).keygenCommand],
  ['submit', async () => (await import('./submit.js')).submitCommand],
  ['verify', async () => (await import('./verify.js')).verifyCommand],
  ['demo', async () => (await import('./demo.js')).demoCommand],
  ['sim', async () => (await import('./sim.js')).simCommand],
  ['testnet', async () => (await import('./testnet.js')).testnetCommand],
  ['start', async () => (await import('./start.js')).startCommand],
  ['up', async () => (await import('./up.js')).upCommand],
  ['status', async () => (await import('./status.js')).statusCommand],
];

/** The module of the command named `name`, or every module when `name` names none (help, typos). */
export async function loadCommands(name: string | undefined): Promise<CommandModule[]> {
  const one = commandLoaders.find(([n]) => n === name);
  return one !== undefined ? [await one[1]()] : Promise.all(commandLoaders.map(([, load]) => load()));
}
