#!/usr/bin/env node
// Summarises `perf script -F tid,ip,sym` output of one replica: samples per thread kind (main,
// V8 compiler, libuv pool, GC) and the main thread's samples by area (first matching frame of
// each stack, most specific areas first).
//   node scripts/bench-cluster-perf-summary.mjs STACKS.txt MAIN_TID
// Frames named `<module>:1:1` are dropped: perf's JIT map keeps stale entries for module bodies
// that ran once at start-up, and their addresses get reused by later code.
import { readFileSync } from 'node:fs';

const [file, mainTid] = process.argv.slice(2);
const samples = [];
let cur = null;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const t = line.trim();
  if (t === '') continue;
  if (/^\d+$/.test(t)) {
    cur = { tid: t, frames: [] };
    samples.push(cur);
  } else if (cur !== null && !/:1:1$|Eval:/.test(t)) cur.frames.push(t.replace(/^\S+\s+/, ''));
}
const threadKind = (s) => {
  if (s.tid === mainTid) return 'main thread';
  const top = s.frames.slice(0, 6).join(' ');
  if (/compiler::|Compile|Parser|Turbofan|Maglev/.test(top)) return 'V8 compiler threads';
  if (/fe_|ge_|ed25519|SignTraits|OPENSSL|ossl_|EVP_|sha512/.test(top)) return 'thread pool: crypto';
  if (/Scaveng|Mark|Sweep|Heap|Evacuat/.test(top)) return 'GC threads';
  return 'other threads (pool I/O, ...)';
};
const AREAS = [
  ['GC (main)', /Scavenger|MarkCompact|Heap::CollectGarbage/],
  ['JIT compile (main)', /Compiler::|Parser::|BaselineBatchCompiler|CompileLazy/],
  ['kernel applyBatch', /JS:.*applyBatch/],
  ['envelope decode at execution', /JS:.*decodeSignedCommand/],
  ['safety persist', /JS:.*(saveSafety|safety-file)/],
  ['level commit batch', /JS:.*(saveCommit|replica-store|abstract-level|classic-level)/],
  ['consensus step', /JS:.*(step file:.*consensus|onMessage file:.*consensus)/],
  ['execute / commit (other)', /JS:.*(executeBlock|commit file:.*replica-node)/],
  ['receipts to clients', /JS:.*(onDurable|receiptAt|ProofTree|findReceipt|waitForReceipt)/],
  ['client service', /JS:.*(client\/service|client\/codec)/],
  ['envelope pre-check (submit to pool)', /JS:.*prevalidateEnvelope/],
  ['consensus decode', /JS:.*decodeConsensusMessage/],
  ['consensus encode', /JS:.*encodeConsensusMessage/],
  ['send (peer links, frame writers)', /JS:.*(peer-link|frame-writer)/],
  ['catch-up polls', /JS:.*catch-up/],
  ['metrics', /prom-client/],
  ['libp2p receive', /JS:.*(onStreamRead|socket-to-conn.js:27|noiseOnMessageDecrypt|muxer.js:101)/],
  ['libp2p send', /JS:.*(sendFrame|abstract-message-stream.js:121|processSendQueue)/],
  ['timers', /JS:.*(processTimers|listOnTimeout)/],
];
const count = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
const kinds = new Map();
const areas = new Map();
let main = 0;
for (const s of samples) {
  count(kinds, threadKind(s));
  if (s.tid !== mainTid) continue;
  main++;
  const stack = s.frames.join('\n');
  count(areas, AREAS.find(([, re]) => re.test(stack))?.[0] ?? 'other (event loop, microtasks, ...)');
}
const show = (m, total) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${String(v).padStart(6)} ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`${samples.length} samples (1 sample ≈ 0.5 ms of CPU at 1999 Hz)\n-- by thread kind\n${show(kinds, samples.length)}\n-- main thread by area\n${show(areas, main)}`);
