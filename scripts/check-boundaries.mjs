#!/usr/bin/env node
// The sans-I/O rule (DESIGN.md): consensus/ and kernel/ read no clock, draw no randomness, do no I/O
// and never await; crypto/ imports nothing of ours but itself. This check fails the test run when a
// source file breaks it, naming the file and line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pure = ['consensus', 'kernel'];
const forbidden = [
  [/\bDate\.now\b|\bnew Date\(/, 'reads the clock'],
  [/\bMath\.random\b|\brandomBytes\b|\bgetRandomValues\b/, 'draws randomness'],
  [/\bperformance\.now\b|\bprocess\.hrtime\b/, 'reads the clock'],
  [/\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/, 'uses a real timer'],
  [/from ['"](node:)?(fs|fs\/promises|net|dgram|child_process|http|https|worker_threads|os)['"]/, 'does I/O'],
  [/from ['"](level|libp2p|@libp2p\/[^'"]+|@chainsafe\/[^'"]+)['"]/, 'imports an I/O library'],
  [/\bawait\b|\basync\s+(function|\()/, 'awaits (the cores are synchronous)'],
  [/from ['"]\.\.\/(\.\.\/)?(node|sim)\//, 'imports a driver (node/ or sim/)'],
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const problems = [];
for (const top of pure) {
  let list;
  try { list = [...files(join(root, top))]; } catch { continue; }
  for (const file of list) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code)) return; // doc comment lines
      for (const [re, why] of forbidden) if (re.test(code)) problems.push(`${relative(root, file)}:${i + 1}: ${why}: ${line.trim()}`);
    });
  }
}
if (problems.length > 0) {
  console.error(`sans-I/O boundary violated (${problems.length}):\n` + problems.join('\n'));
  process.exit(1);
}
console.log('boundaries: consensus/ and kernel/ are free of clocks, randomness and I/O');
