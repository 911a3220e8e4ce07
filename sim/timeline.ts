// A failing run replayed as a readable message timeline: one line per trace event, aligned columns,
// optionally limited to a window of virtual time or to events touching one endpoint.
export interface TimelineFilter {
  fromMs?: number;
  toMs?: number;
  /** Only events sent or received by this endpoint label (e.g. r2, c0). */
  endpoint?: string;
}

export function formatTimeline(lines: readonly string[], filter: TimelineFilter = {}): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const sp1 = line.indexOf(' ');
    const sp2 = line.indexOf(' ', sp1 + 1);
    const sp3 = line.indexOf(' ', sp2 + 1);
    const t = Number(line.slice(0, sp1));
    const [from, to] = line.slice(sp1 + 1, sp2).split('->');
    const type = sp3 === -1 ? line.slice(sp2 + 1) : line.slice(sp2 + 1, sp3);
    const detail = sp3 === -1 ? '' : line.slice(sp3 + 1);
    if (filter.fromMs !== undefined && t < filter.fromMs) continue;
    if (filter.toMs !== undefined && t > filter.toMs) continue;
    if (filter.endpoint !== undefined && from !== filter.endpoint && to !== filter.endpoint) continue;
    const arrow = from === to ? `${from}`.padEnd(12) : `${from} -> ${to}`.padEnd(12);
    out.push(`${t.toFixed(3).padStart(12)} ms  ${arrow}  ${type.padEnd(14)} ${detail}`.trimEnd());
  }
  return out;
}
