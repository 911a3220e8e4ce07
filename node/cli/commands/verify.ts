// `knhk verify RECEIPT_FILE --cluster FILE`: offline verification of a receipt bundle (the file
// `knhk submit --out` writes, or its --json output): decoding, inclusion proof, f+1 validators'
// hybrid signatures over the execution roots, and the chain link when --previous is given.
// Exit 0 valid, 1 invalid, 2 bad arguments or unreadable files.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, UsageError, printJson, type CommandModule } from '../command.js';
import { BundleFormatError, bundleFromJson, type ReceiptBundle } from '../../client/bundle.js';
import { verifyReceiptBundle } from '../../client/verify.js';
import { ConfigError, loadCluster, type ClusterFile } from '../../cluster/config.js';
import { receiptForHumans } from '../../client/receipt-json.js';

/** Reads a bundle file: the bundle JSON itself or an object holding it under `bundle`. */
export function readBundleFile(file: string): ReceiptBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read receipt file ${file}: ${(e as Error).message}`);
  }
  const o = raw as Record<string, unknown> | null;
  const inner = o && typeof o === 'object' && o.format === undefined && o.bundle !== undefined ? o.bundle : raw;
  try {
    return bundleFromJson(inner);
  } catch (e) {
    if (e instanceof BundleFormatError) throw new UsageError(`${file} is not a receipt bundle: ${e.message}`);
    throw e;
  }
}

export function loadClusterOrUsage(file: string): ClusterFile {
  try {
    return loadCluster(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export const verifyCommand: CommandModule = (program: Command, io) => {
  program
    .command('verify')
    .description('verify a receipt offline: inclusion proof, f+1 hybrid signatures, chain link (exit 0 valid, 1 invalid)')
    .argument('<receipt-file>', 'receipt bundle JSON (from `knhk submit --out` or `--json`)')
    .requiredOption('--cluster <file>', 'cluster.json naming the validators and their keys')
    .option('--previous <file>', 'the previous receipt bundle of the chain, to check the hash link')
    .option('--json', 'print one JSON object')
    .action((file: string, opts: { cluster: string; previous?: string; json?: boolean }) => {
      const cluster = loadClusterOrUsage(opts.cluster);
      const bundle = readBundleFile(file);
      if (opts.previous !== undefined) bundle.previousReceipt = readBundleFile(opts.previous).record.receiptBytes;
      const v = verifyReceiptBundle(bundle, cluster);
      if (opts.json) {
        printJson(io, v.ok ? { valid: true, signers: v.signers, chainChecked: opts.previous !== undefined, receipt: receiptForHumans(v.receipt) } : { valid: false, reason: v.reason });
        io.exitCode = v.ok ? 0 : 1;
        return;
      }
      if (!v.ok) throw new CliError(`receipt INVALID: ${v.reason}`, 1);
      const r = v.receipt;
      io.out(
        `receipt VALID: ${r.type} by ${r.principal.slice(0, 16)}… seq ${r.seq} -> ${r.decision} (${r.result}), height ${r.height}, index ${r.index}\n` +
          `  inclusion proof ok; signed by validators ${v.signers.join(', ')} (f+1 = ${cluster.f + 1})` +
          (opts.previous !== undefined ? '; chain link ok' : '') +
          '\n',
      );
    });
};
