// Scans a replica's log (JSON lines from pino, plus anything Node itself printed when the process
// died: an uncaught exception or an unhandled rejection is a raw stack trace, not JSON).
import { readFileSync } from 'node:fs';

export interface LogFigures {
  replica: number;
  /** pino level 60 lines: the replica gave up. */
  fatal: string[];
  /** Level 50 lines: counted, not a violation by themselves. */
  errors: number;
  /** Lines that are not JSON (crash output); the first few are kept. */
  raw: string[];
  /** Count of each distinct info/warn/error message (`msg`): what the faults provoked (catch-up, snapshot installs, view changes). */
  messages: Record<string, number>;
}

const KEEP = 5;

export function scanLog(file: string, replica: number): LogFigures {
  const out: LogFigures = { replica, fatal: [], errors: 0, raw: [], messages: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let o: { level?: unknown; msg?: unknown };
    try {
      o = JSON.parse(line) as { level?: unknown; msg?: unknown };
    } catch {
      if (out.raw.length < KEEP) out.raw.push(line.slice(0, 300));
      continue;
    }
    const level = typeof o.level === 'number' ? o.level : 0;
    const msg = typeof o.msg === 'string' ? o.msg : '(no msg)';
    if (level >= 60 && out.fatal.length < KEEP) out.fatal.push(line.slice(0, 500));
    if (level >= 50) out.errors++;
    if (level >= 30) out.messages[msg] = (out.messages[msg] ?? 0) + 1;
  }
  return out;
}
