// `knhk submit --cluster FILE --key FILE '<command json>'`: sign a command with the client key,
// submit it, and print the receipt after verifying it (inclusion proof + f+1 validators' hybrid
// signatures). `--out FILE` keeps the receipt bundle for `knhk verify`.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CanonicalValue } from '../../../crypto/canonical.js';
import { hybridPublicKeyOf, type HybridKeyPair } from '../../../crypto/hybrid.js';
import { KeyFileError, readHybridSecretKey } from '../../../crypto/keyfile.js';
import { CliError, UsageError, intOption, printJson, type CommandModule } from '../command.js';
import { Client, receiptForHumans, type VerifiedReceipt } from '../../sdk/client.js';
import { CommandRejectedError, SubmitTimeoutError, VerificationError } from '../../sdk/errors.js';
import { loadClusterOrUsage } from './verify.js';

/** Parses `{"type": "...", "fields": {...}}`; JSON numbers must be safe integers (no floats in the kernel). */
export function parseCommandJson(text: string): { type: string; fields: Record<string, CanonicalValue> } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`command is not JSON: ${(e as Error).message}`);
  }
  const o = v as { type?: unknown; fields?: unknown } | null;
  if (o === null || typeof o !== 'object' || typeof o.type !== 'string' || o.type.length === 0) {
    throw new UsageError('command must be an object like {"type": "put", "fields": {"key": "a", "value": "1"}}');
  }
  const fields = o.fields ?? {};
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new UsageError('command.fields must be an object');
  checkValue(fields, 'fields');
  return { type: o.type, fields: fields as Record<string, CanonicalValue> };
}

function checkValue(v: unknown, path: string): void {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new UsageError(`${path}: ${v} is not a safe integer (the kernel has no floats)`);
  if (Array.isArray(v)) v.forEach((x, i) => checkValue(x, `${path}[${i}]`));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) checkValue(x, `${path}.${k}`);
}

export function describeReceipt(r: VerifiedReceipt): string {
  const x = r.receipt;
  const why = x.reason ? ` — ${x.reason}` : '';
  const rule = x.ruleId ? ` rule ${x.ruleId}` : '';
  const out = x.output === null ? '' : `\n  output: ${JSON.stringify(receiptForHumans(x).output)}`;
  return (
    `${x.decision} ${x.type} (${x.result}, risk ${x.risk}${rule})${why}\n` +
    `  receipt #${x.index} at height ${x.height}, seq ${r.seq}, from replica ${r.replica}; verified: proof + signatures of validators ${r.signers.join(', ')}${out}`
  );
}

export const submitCommand: CommandModule = (program: Command, io) => {
  program
    .command('submit')
    .description('sign and submit a command; print its receipt after verifying it')
    .argument('<command-json>', 'e.g. \'{"type":"put","fields":{"key":"a","value":"1"}}\'')
    .requiredOption('--cluster <file>', 'cluster.json')
    .requiredOption('--key <file>', 'client Ed25519 key file (testnet writes them under DIR/clients/)')
    .option('--cosign <secret-key-file>', 'descriptor admin hybrid secret key co-signing a gov.* command (repeat for more admins)', (f: string, all: string[]) => [...all, f], [] as string[])
    .option('--out <file>', 'write the receipt bundle (for `knhk verify`) to this file')
    .option('--replica <id>', 'replica to submit to first', intOption('replica', 0, 1000))
    .option('--timeout <ms>', 'wait per attempt', intOption('timeout', 1, 600_000), 10_000)
    .option('--json', 'print one JSON object')
    .action(async (text: string, opts: { cluster: string; key: string; cosign?: string[]; out?: string; replica?: number; timeout: number; json?: boolean }) => {
      const cmd = parseCommandJson(text);
      const cluster = loadClusterOrUsage(opts.cluster);
      if (opts.replica !== undefined && opts.replica >= cluster.validators.length) throw new UsageError(`--replica must be below ${cluster.validators.length}`);
      let client: Client;
      let cosigners: HybridKeyPair[];
      try {
        cosigners = (opts.cosign ?? []).map((f) => {
          const secretKey = readHybridSecretKey(f);
          return { publicKey: hybridPublicKeyOf(secretKey), secretKey };
        });
        client = new Client({ cluster, key: opts.key, timeoutMs: opts.timeout, ...(opts.replica !== undefined ? { replica: opts.replica } : {}) });
      } catch (e) {
        if (e instanceof KeyFileError) throw new UsageError(e.message);
        throw e;
      }
      try {
        const r = await client.submit(cmd.type, cmd.fields, { cosigners });
        const bundle = Client.bundleJson(r);
        if (opts.out !== undefined) writeFileSync(opts.out, JSON.stringify(bundle, null, 2) + '\n');
        if (opts.json) printJson(io, { ok: true, client: client.id, seq: r.seq, replica: r.replica, signers: r.signers, receipt: receiptForHumans(r.receipt), bundle });
        else io.out(describeReceipt(r) + '\n' + (opts.out ? `  bundle written to ${opts.out}\n` : ''));
      } catch (e) {
        if (e instanceof CommandRejectedError || e instanceof SubmitTimeoutError || e instanceof VerificationError) throw new CliError(e.message, 1);
        throw e;
      } finally {
        await client.close();
      }
    });
};
