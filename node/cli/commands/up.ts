// `knhk up`: the embedded default — a local testnet (created if absent) with every replica as a
// child process, until Ctrl-C, which stops them cleanly.
import type { Command } from 'commander';
import { intOption, printJson, type CommandModule } from '../command.js';
import { startLocalCluster } from '../../cluster/local.js';
import { loadCluster } from '../../cluster/config.js';

export const upCommand: CommandModule = (program: Command, io) => {
  program
    .command('up')
    .description('run a local cluster of replica processes until Ctrl-C (creates a testnet in --dir if absent)')
    .option('--nodes <n>', 'replicas, when creating the testnet', intOption('nodes', 1, 100), 4)
    .option('--dir <dir>', 'testnet folder', '.knhk')
    .option('--base-port <port>', 'libp2p port of replica i is P+i, metrics P+100+i (new testnet only)', intOption('base-port', 1, 65_000), 7100)
    .option('--descriptor <name|file>', 'genesis descriptor for a new testnet: governance, kv, or a JSON file', 'governance')
    .option('--log-level <level>', 'replica log level (logs go to DIR/replica-<i>/replica.log)')
    .option('--json', 'print the running cluster as one JSON object once it is up')
    .action(async (opts: { nodes: number; dir: string; basePort: number; descriptor: string; logLevel?: string; json?: boolean }) => {
      const c = await startLocalCluster({ nodes: opts.nodes, dir: opts.dir, basePort: opts.basePort, descriptor: opts.descriptor, logLevel: opts.logLevel });
      const cluster = loadCluster(c.clusterFile);
      const replicas = cluster.validators.map((v, i) => ({ id: v.id, pid: c.processes[i]?.pid ?? null, address: v.multiaddrs[0], metrics: v.metricsPort > 0 ? `http://${v.metricsHost ?? '127.0.0.1'}:${v.metricsPort}/metrics` : null }));
      if (opts.json) printJson(io, { clusterFile: c.clusterFile, replicas });
      else {
        io.out(`knhk: ${replicas.length} replicas up — cluster file ${c.clusterFile}\n`);
        for (const r of replicas) io.out(`  replica ${r.id}  pid ${r.pid}  ${r.address}  ${r.metrics ?? ''}\n`);
        io.out(`try: knhk status --cluster ${c.clusterFile}    (Ctrl-C stops the cluster)\n`);
      }
      let stopping = false;
      const exitedEarly = new Promise<number>((resolve) => {
        c.processes.forEach((p, i) => p?.once('exit', (code, sig) => {
          // Ctrl-C in a terminal signals the replicas too: their exit is then part of the stop.
          if (stopping) return;
          io.err(`knhk: replica ${i} exited (${sig ?? code}); see ${c.dir}/replica-${i}/replica.log\n`);
          resolve(i);
        }));
      });
      const signal = new Promise<'signal'>((resolve) => {
        process.once('SIGINT', () => resolve('signal'));
        process.once('SIGTERM', () => resolve('signal'));
      });
      const why = await Promise.race([signal, exitedEarly]);
      stopping = true;
      if (!opts.json) io.out('knhk: stopping replicas…\n');
      await c.stop();
      io.exitCode = why === 'signal' ? 0 : 1;
    });
};
