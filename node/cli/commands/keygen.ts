// `knhk keygen --out DIR`: writes a hybrid (Ed25519 + ML-DSA-65) key pair for a replica, or with
// `--type ed25519` a client's Ed25519 key file. Secret files get mode 0600; existing keys are never
// overwritten unless --force is given.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fromHex } from '../../../crypto/bytes.js';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { hybridKeyPair } from '../../../crypto/hybrid.js';
import { KeyFileError, writeEd25519KeyFile, writeHybridKeyFiles } from '../../../crypto/keyfile.js';
import { CliError, UsageError, printJson, type CliIo, type CommandModule } from '../command.js';

interface KeygenOptions {
  out: string;
  name?: string;
  type: string;
  seed?: string;
  force?: boolean;
  json?: boolean;
}

export const keygenCommand: CommandModule = (program: Command, io) => {
  program
    .command('keygen')
    .description('write a key pair: hybrid Ed25519 + ML-DSA-65 (replicas, default) or Ed25519 (clients)')
    .requiredOption('--out <dir>', 'directory to write the key files into (created if missing)')
    .option('--name <name>', 'file name stem (default: "hybrid" or "client")')
    .option('--type <type>', 'hybrid | ed25519', 'hybrid')
    .option('--seed <hex>', '32-byte hex seed for a reproducible key (tests and simulations only)')
    .option('--force', 'overwrite existing key files')
    .option('--json', 'print one JSON object')
    .action((opts: KeygenOptions) => {
      const seed = parseSeed(opts.seed);
      if (opts.name !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(opts.name)) {
        throw new UsageError('--name must be 1-64 characters of [A-Za-z0-9._-]');
      }
      try {
        if (opts.type === 'hybrid') {
          const files = writeHybridKeyFiles(opts.out, hybridKeyPair(seed), opts.name ?? 'hybrid', { overwrite: opts.force === true });
          report(io, opts.json === true, { type: 'hybrid', keyId: files.keyId, publicFile: files.publicFile, secretFile: files.secretFile });
        } else if (opts.type === 'ed25519') {
          const secretFile = join(opts.out, `${opts.name ?? 'client'}.json`);
          mkdirSync(opts.out, { recursive: true });
          const keyId = writeEd25519KeyFile(secretFile, ed25519KeyPair(seed), { overwrite: opts.force === true });
          report(io, opts.json === true, { type: 'ed25519', keyId, secretFile });
        } else {
          throw new UsageError(`--type must be hybrid or ed25519, got ${JSON.stringify(opts.type)}`);
        }
      } catch (e) {
        if (e instanceof KeyFileError) throw new CliError(e.message);
        throw e;
      }
    });
};

function parseSeed(raw: string | undefined): Uint8Array | undefined {
  if (raw === undefined) return undefined;
  let seed: Uint8Array;
  try {
    seed = fromHex(raw);
  } catch {
    throw new UsageError('--seed must be hex');
  }
  if (seed.length !== 32) throw new UsageError(`--seed must be 32 bytes (64 hex digits), got ${seed.length} bytes`);
  return seed;
}

function report(io: CliIo, json: boolean, r: { type: string; keyId: string; publicFile?: string; secretFile: string }): void {
  if (json) return printJson(io, r);
  io.out(`wrote ${r.type} key ${r.keyId}\n`);
  if (r.publicFile !== undefined) io.out(`  public: ${r.publicFile}\n`);
  io.out(`  secret: ${r.secretFile} (mode 0600 — keep it private)\n`);
}
