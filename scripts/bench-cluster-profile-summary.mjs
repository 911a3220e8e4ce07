#!/usr/bin/env node
// Summarises V8 .cpuprofile files: self time by function and by package/file, busiest first.
//   node scripts/bench-cluster-profile-summary.mjs PROFILE... [--top 25]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const byFn = new Map();
const byFile = new Map();
let total = 0;
for (const file of args) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const dt = new Map();
  p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  for (const n of p.nodes) {
    const t = dt.get(n.id) ?? 0;
    total += t;
    const cf = n.callFrame;
    const where = cf.url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/.*?\/(node|consensus|kernel|crypto)\//, '$1/');
    const fn = `${cf.functionName || '(anon)'} ${where.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    const pkg = where.startsWith('nm/') ? where.split('/').slice(0, where.startsWith('nm/@') ? 3 : 2).join('/') : where.split('/').slice(0, 2).join('/') || cf.functionName;
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
  }
}
const show = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n-- by function (self)\n${show(byFn)}\n-- by package / area\n${show(byFile)}`);
