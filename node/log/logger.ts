// JSON-lines logs (pino): one object per line on stderr (stdout stays free for `--json` output),
// with the replica id on every line and a level chosen by `--log-level`.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

export function createLogger(opts: { level?: LogLevel; replica?: number; destination?: NodeJS.WritableStream } = {}): Logger {
  const base = opts.replica === undefined ? { pid: process.pid } : { replica: opts.replica, pid: process.pid };
  const dest = opts.destination ?? pino.destination({ fd: 2, sync: false });
  return pino({ level: opts.level ?? 'info', base, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

/** A logger that writes nothing (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
