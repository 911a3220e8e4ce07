// `knhk testnet`: generate keys, peer ids, cluster.json and one config per replica.
import type { Command } from 'commander';
import { intOption, printJson, UsageError, type CommandModule } from '../command.js';
import { generateTestnet, TestnetError } from '../../cluster/testnet.js';
import { CliError } from '../command.js';

export const testnetCommand: CommandModule = (program: Command, io) => {
  program
    .command('testnet')
    .description('generate a testnet: validator keys, peer ids, cluster.json and one config per replica')
    .requiredOption('--nodes <n>', 'number of replicas (n = 3f+1 tolerates f faults)', intOption('nodes', 1, 100))
    .requiredOption('--dir <dir>', 'output folder')
    .option('--regions <list>', 'comma-separated regions assigned round-robin', 'local')
    .option('--base-port <port>', 'libp2p port of replica i is P+i, metrics port P+100+i', intOption('base-port', 1, 65_000), 7100)
    .option('--host <ip>', 'address replicas listen on and advertise', '127.0.0.1')
    .option('--descriptor <name|file>', 'genesis descriptor: governance, kv, or a JSON file', 'governance')
    .option('--clients <k>', 'client keys to generate under DIR/clients/', intOption('clients', 0, 10_000), 64)
    .option('--force', 'replace an existing testnet in DIR')
    .option('--json', 'print the result as one JSON object')
    .action(async (opts: { nodes: number; dir: string; regions: string; basePort: number; host: string; descriptor: string; clients: number; force?: boolean; json?: boolean }) => {
      const regions = opts.regions.split(',').map((r) => r.trim()).filter((r) => r.length > 0);
      if (regions.some((r) => !/^[A-Za-z0-9._-]{1,64}$/.test(r))) throw new UsageError(`--regions must be names of [A-Za-z0-9._-], got ${JSON.stringify(opts.regions)}`);
      if (opts.basePort + 100 + opts.nodes > 65_535) throw new UsageError(`--base-port ${opts.basePort} leaves no room for ${opts.nodes} metrics ports`);
      let r;
      try {
        r = await generateTestnet({ nodes: opts.nodes, dir: opts.dir, regions, basePort: opts.basePort, host: opts.host, descriptor: opts.descriptor, clients: opts.clients, force: opts.force });
      } catch (e) {
        if (e instanceof TestnetError) throw new CliError(e.message);
        throw e;
      }
      if (opts.json) {
        printJson(io, { clusterFile: r.clusterFile, configs: r.configFiles, clients: r.clients.map((c) => ({ name: c.name, file: c.file, keyId: c.keyId, roles: c.roles })), adminKeyFile: r.adminKeyFile });
      } else {
        io.out(`testnet of ${opts.nodes} replicas in ${opts.dir}\n  cluster: ${r.clusterFile}\n`);
        for (const c of r.configFiles) io.out(`  replica: knhk start --config ${c}\n`);
        io.out(`  clients: ${r.clients.length} keys under ${opts.dir}/clients/\n`);
      }
    });
};
