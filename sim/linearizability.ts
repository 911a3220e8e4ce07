// Linearizability of a key-value register history, by the Wing–Gong search with Lowe's memoisation
// (the algorithm behind Knossos and Porcupine). Linearizability is local (Herlihy & Wing), so each
// key is checked on its own, which keeps every search small.
//
// Real-time order: op a precedes op b when a completed strictly before b was invoked. An op whose
// result never arrived (complete === null) may have taken effect at any time after its invocation,
// or never: a pending put may be linearized or left out; a pending get observed nothing and is
// dropped.
import type { HistoryOp, RegisterValue } from './history.js';

export interface LinearizabilityResult {
  ok: boolean;
  /** The first key whose history has no linearization (when !ok). */
  key?: string;
  /** The ops of that key, for the failure report. */
  ops?: HistoryOp[];
  /** True when the search hit its step budget: the answer is then "not proven" (ok: false). */
  exhausted?: boolean;
}

/** Upper bound on search steps per key, so a pathological history cannot hang a run. */
const stepBudgetPerKey = 2_000_000;

export function checkLinearizable(history: readonly HistoryOp[]): LinearizabilityResult {
  const byKey = new Map<string, HistoryOp[]>();
  for (const op of history) {
    if (op.op === 'get' && op.complete === null) continue; // observed nothing
    if (op.op === 'put' && op.complete !== null && op.result !== 'ok') continue; // refused: wrote nothing
    if (op.op === 'get' && typeof op.result === 'string' && op.result.startsWith('!')) continue; // refused: observed nothing
    let list = byKey.get(op.key);
    if (!list) byKey.set(op.key, (list = []));
    list.push(op);
  }
  for (const key of [...byKey.keys()].sort()) {
    const ops = byKey.get(key)!;
    const verdict = checkRegister(ops);
    if (verdict !== 'ok') return { ok: false, key, ops, exhausted: verdict === 'exhausted' };
  }
  return { ok: true };
}

/** One register, initially null. */
export function checkRegister(opsIn: readonly HistoryOp[]): 'ok' | 'violation' | 'exhausted' {
  const ops = [...opsIn].sort((a, b) => a.invoke - b.invoke);
  const n = ops.length;
  const done = new Uint8Array(n);
  const words = Math.ceil(n / 32) || 1;
  const bits = new Uint32Array(words);
  let remainingCompleted = 0;
  for (const o of ops) if (o.complete !== null) remainingCompleted++;
  const seen = new Set<string>();
  let steps = 0;

  const search = (value: RegisterValue): 'ok' | 'violation' | 'exhausted' => {
    if (remainingCompleted === 0) return 'ok';
    if (++steps > stepBudgetPerKey) return 'exhausted';
    // The earliest completion among ops not yet linearized bounds which ops may go next.
    let minComplete = Infinity;
    for (let i = 0; i < n; i++) if (!done[i] && ops[i].complete !== null && ops[i].complete! < minComplete) minComplete = ops[i].complete!;
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      const o = ops[i];
      if (o.invoke > minComplete) break; // sorted by invoke: every later op is preceded by something
      let next: RegisterValue;
      if (o.op === 'put') next = o.value;
      else if (o.result === value) next = value;
      else continue;
      done[i] = 1;
      bits[i >>> 5] |= 1 << (i & 31);
      const memoKey = bits.join(',') + '|' + (next === null ? '\u0000' : 's' + next);
      if (!seen.has(memoKey)) {
        seen.add(memoKey);
        if (o.complete !== null) remainingCompleted--;
        const r = search(next);
        if (o.complete !== null) remainingCompleted++;
        if (r !== 'violation') {
          done[i] = 0;
          bits[i >>> 5] &= ~(1 << (i & 31));
          return r;
        }
      }
      done[i] = 0;
      bits[i >>> 5] &= ~(1 << (i & 31));
    }
    return 'violation';
  };
  return search(null);
}
