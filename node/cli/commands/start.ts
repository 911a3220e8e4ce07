// `knhk start --config FILE`: run one replica until SIGINT/SIGTERM (clean stop) or a fatal error.
import type { Command } from 'commander';
import { CliError, UsageError, type CommandModule } from '../command.js';
import { ConfigError } from '../../cluster/config.js';
import { isLogLevel, LOG_LEVELS } from '../../log/logger.js';
import { startReplica, ReplicaStartError } from '../../replica/run.js';
import { KeyFileError } from '../../../crypto/keyfile.js';
import { IdentityError } from '../../net/identity.js';

export const startCommand: CommandModule = (program: Command, io) => {
  program
    .command('start')
    .description('run one replica (JSON-lines logs on stderr; metrics on its metricsPort)')
    .requiredOption('--config <file>', 'replica config written by `knhk testnet`')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`)
    .action(async (opts: { config: string; logLevel?: string }) => {
      if (opts.logLevel !== undefined && !isLogLevel(opts.logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
      let r;
      try {
        r = await startReplica(opts.config, { logLevel: opts.logLevel as never, processMetrics: true });
      } catch (e) {
        if (e instanceof ConfigError || e instanceof ReplicaStartError || e instanceof KeyFileError || e instanceof IdentityError) throw new CliError(e.message);
        throw e;
      }
      const outcome = await new Promise<'signal' | Error>((resolve) => {
        process.once('SIGINT', () => resolve('signal'));
        process.once('SIGTERM', () => resolve('signal'));
        void r.failed.then((e) => resolve(e));
      });
      await r.stop();
      if (outcome !== 'signal') throw new CliError(`replica ${r.config.id} stopped: ${outcome.message}`);
      io.exitCode = 0;
    });
};
