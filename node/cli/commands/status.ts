// `knhk status --cluster FILE`: height, view, leader, peers and lag of every replica, asked over
// the client protocol (no key needed).
import type { Command } from 'commander';
import { CliError, intOption, printJson, type CommandModule } from '../command.js';
import { ConfigError, loadCluster } from '../../cluster/config.js';
import { ClientTransport } from '../../client/transport.js';
import type { ReplicaStatus } from '../../replica/services.js';

export const statusCommand: CommandModule = (program: Command, io) => {
  program
    .command('status')
    .description('show height, view, leader, peers and lag of every replica')
    .requiredOption('--cluster <file>', 'cluster.json')
    .option('--timeout <ms>', 'how long to wait for each replica', intOption('timeout', 1, 600_000), 3000)
    .option('--json', 'print one JSON object')
    .action(async (opts: { cluster: string; timeout: number; json?: boolean }) => {
      let cluster;
      try {
        cluster = loadCluster(opts.cluster);
      } catch (e) {
        if (e instanceof ConfigError) throw new CliError(e.message);
        throw e;
      }
      const t = await ClientTransport.create(cluster);
      let rows: Array<{ replica: number; region: string; status?: ReplicaStatus; error?: string }>;
      try {
        rows = await Promise.all(
          t.channels.map(async (ch) => {
            const region = cluster.validators[ch.replica].region;
            try {
              const res = await ch.request({ kind: 'status' }, opts.timeout);
              return res.kind === 'status' ? { replica: ch.replica, region, status: res.status } : { replica: ch.replica, region, error: res.kind === 'error' ? res.message : res.kind };
            } catch (e) {
              return { replica: ch.replica, region, error: (e as Error).message };
            }
          }),
        );
      } finally {
        await t.close();
      }
      const top = Math.max(0, ...rows.map((r) => r.status?.height ?? 0));
      const up = rows.filter((r) => r.status).length;
      if (opts.json) {
        printJson(io, { replicas: rows.map((r) => (r.status ? { replica: r.replica, region: r.region, ...r.status, lag: top - r.status.height } : { replica: r.replica, region: r.region, error: r.error })), up, of: rows.length });
      } else {
        io.out('replica  region      height  executed  view    leader  peers    lag  mempool\n');
        for (const r of rows) {
          const s = r.status;
          if (!s) io.out(`${String(r.replica).padEnd(9)}${r.region.padEnd(12)}down: ${r.error}\n`);
          else io.out(`${String(r.replica).padEnd(9)}${r.region.padEnd(12)}${String(s.height).padEnd(8)}${String(s.executedHeight).padEnd(10)}${String(s.view).padEnd(8)}${String(s.leader).padEnd(8)}${s.peers.join(',').padEnd(9)}${String(top - s.height).padEnd(5)}${s.mempool}\n`);
        }
      }
      // Exit 1 when fewer than a quorum answered: the cluster cannot make progress.
      io.exitCode = up >= 2 * cluster.f + 1 ? 0 : 1;
    });
};
