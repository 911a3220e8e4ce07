// The one command line that replays a run exactly: every option that changes the run, nothing else.
import { defaultSimOptions, type SimOptions } from './options.js';

export function replayCommand(o: SimOptions, extra = ''): string {
  const parts = ['npx knhk sim', `--nodes ${o.nodes}`, `--byzantine ${o.byzantine}`, `--seed ${o.seed}`, `--commands ${o.commands}`];
  if (o.faults.length > 0) parts.push(`--faults ${o.faults.join(',')}`);
  if (o.regions !== defaultSimOptions.regions) parts.push(`--regions ${o.regions}`);
  if (o.clients !== defaultSimOptions.clients) parts.push(`--clients ${o.clients}`);
  if (o.keys !== defaultSimOptions.keys) parts.push(`--keys ${o.keys}`);
  if (o.workload !== defaultSimOptions.workload) parts.push(`--workload ${o.workload}`);
  if (o.crypto !== defaultSimOptions.crypto) parts.push(`--crypto ${o.crypto}`);
  if (o.maxBatchCommands !== defaultSimOptions.maxBatchCommands) parts.push(`--batch ${o.maxBatchCommands}`);
  if (!o.wire) parts.push('--no-wire');
  for (const [k, v] of Object.entries(o.unsafeTestOnly ?? {})) if (v) parts.push(`--unsafe-test-only ${k}`);
  if (extra) parts.push(extra);
  return parts.join(' ');
}
