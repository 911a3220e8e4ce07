// `knhk demo` (what `npm start` runs): bring up a local 4-replica cluster (creating the testnet in
// --dir if absent, governance descriptor), walk through the governance example — agents' actions
// allowed, sent for 2-approver sign-off, denied — printing each decision with its verified
// receipt, then keep the cluster serving until Ctrl-C (or stop right away with --exit).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError, intOption, printJson, type CommandModule } from '../command.js';
import { runGovernanceDemo } from '../../client/governance-demo.js';
import { loadCluster, type ClusterFile } from '../../cluster/config.js';
import { ClientTransport } from '../../client/transport.js';
import { startLocalCluster } from '../../cluster/local.js';

const GOVERNANCE_NAME = 'agent-governance';

/** True when a quorum (2f+1) of the cluster's replicas answers a status request. */
async function answering(cluster: ClusterFile): Promise<boolean> {
  const t = await ClientTransport.create(cluster);
  try {
    const answers = await Promise.all(t.channels.map((ch) => ch.request({ kind: 'status' }, 1500).then((r) => r.kind === 'status', () => false)));
    return answers.filter(Boolean).length >= 2 * cluster.f + 1;
  } finally {
    await t.close();
  }
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((res) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      res(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const demoCommand: CommandModule = (program: Command, io) => {
  program
    .command('demo')
    .description('run a local 4-replica cluster and the governance demo (what `npm start` runs); serves until Ctrl-C')
    .option('--nodes <n>', 'replicas', intOption('nodes', 4, 31), 4)
    .option('--dir <dir>', 'testnet folder (created if absent)', '.knhk')
    .option('--exit', 'stop the cluster after the demo instead of serving until Ctrl-C')
    .option('--json', 'print one JSON object with the demo steps (implies nothing else on stdout)')
    .action(async (opts: { nodes: number; dir: string; exit?: boolean; json?: boolean }) => {
      const dir = resolve(opts.dir);
      const clusterFile = join(dir, 'cluster.json');
      if (existsSync(clusterFile)) {
        const d = loadCluster(clusterFile).genesis.descriptor as { name?: unknown } | undefined;
        if (d?.name !== GOVERNANCE_NAME) throw new UsageError(`${clusterFile} runs descriptor ${JSON.stringify(d?.name)}, not the governance example; pick another --dir`);
      }
      const say = opts.json ? (s: string) => io.err(s) : (s: string) => io.out(s);
      // A cluster already serving this folder (e.g. `knhk up` in another terminal) is reused, not restarted.
      if (existsSync(clusterFile) && (await answering(loadCluster(clusterFile)))) {
        say(`using the cluster already running from ${dir}\n`);
        const steps = await runGovernanceDemo({ cluster: loadCluster(clusterFile), dir, out: say });
        if (opts.json) printJson(io, { ok: true, clusterFile, reused: true, steps });
        return;
      }
      say(`starting ${opts.nodes} replicas (testnet in ${dir}) ...\n`);
      const cluster = await startLocalCluster({ nodes: opts.nodes, dir, descriptor: 'governance', logLevel: 'warn' });
      let steps;
      try {
        steps = await runGovernanceDemo({ cluster: loadCluster(cluster.clusterFile), dir, out: say });
      } catch (e) {
        await cluster.stop();
        throw new CliError(`demo failed: ${e instanceof Error ? e.message : String(e)} (replica logs: ${dir}/replica-*/replica.log)`);
      }
      if (opts.json) printJson(io, { ok: true, clusterFile: cluster.clusterFile, reused: false, steps });
      if (opts.exit) {
        await cluster.stop();
        say('\ncluster stopped (--exit).\n');
        return;
      }
      say(
        `\nThe cluster keeps serving. Try:\n` +
          `  npx knhk status --cluster ${cluster.clusterFile}\n` +
          `  npx knhk submit --cluster ${cluster.clusterFile} --key ${join(dir, 'clients', 'client-4.key.json')} --out r.json '{"type":"act","fields":{"action":"read","resource":"docs/x"}}'\n` +
          `  npx knhk verify r.json --cluster ${cluster.clusterFile}\n` +
          `Ctrl-C stops every replica cleanly.\n`,
      );
      const sig = await waitForSignal();
      say(`\n${sig}: stopping replicas ...\n`);
      await cluster.stop();
      say('stopped.\n');
    });
};
