// After a chaos run, with every replica stopped: reads each replica's level database and checks
// (a) every acknowledged command's receipt is at its receipt's height and index, byte for byte, on
// every replica that stores that height (a replica stores heights from its low-water mark up: lower
// ones were pruned or lie below an installed snapshot), and (b) the replicas agree on block hash, state root and
// receipts root at every height they have in common, and each one's stored chain links up.
import { join } from 'node:path';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { ReplicaStore } from '../../node/storage/replica-store.js';
import type { Ack } from './workload.js';

export interface ReplicaChainFigures {
  replica: number;
  tip: number;
  /** Lowest height whose receipts are stored (above 1: pruned or restored from a snapshot). */
  prunedBelow: number;
  /** Acknowledged commands whose receipt this replica stores / whose height it does not store. */
  acksHeld: number;
  acksNotHeld: number;
}

export interface ChainCheck {
  replicas: ReplicaChainFigures[];
  /** Heights compared across every pair of replicas that stores them. */
  comparedHeights: number;
  /** Acknowledged commands below every replica's low-water mark (deleted by retention everywhere). */
  acksPrunedEverywhere: number;
  violations: string[];
}

interface HeightRoots {
  blockHash: string;
  stateRoot: string;
  receiptsRoot: string;
}

const MAX_REPORTED = 20;

export async function checkChains(dir: string, n: number, acks: readonly Ack[]): Promise<ChainCheck> {
  const violations: string[] = [];
  const report = (msg: string) => {
    if (violations.length < MAX_REPORTED) violations.push(msg);
  };
  const acksByHeight = new Map<number, Ack[]>();
  for (const a of acks) {
    const list = acksByHeight.get(a.record.height) ?? [];
    list.push(a);
    acksByHeight.set(a.record.height, list);
  }
  const holders = new Map<Ack, number>();
  const roots: Array<Map<number, HeightRoots>> = [];
  const figures: ReplicaChainFigures[] = [];

  for (let i = 0; i < n; i++) {
    const store = await ReplicaStore.open(join(dir, `replica-${i}`, 'db'));
    const mine = new Map<number, HeightRoots>();
    const fig: ReplicaChainFigures = { replica: i, tip: store.tip, prunedBelow: store.prunedBelow, acksHeld: 0, acksNotHeld: 0 };
    try {
      const from = Math.max(1, store.prunedBelow);
      let prevHash: Uint8Array | null = null;
      for (let h = from; h <= store.tip; h++) {
        const c = await store.getCommitted(h);
        const e = await store.getExecution(h);
        if (c === null || e === null) {
          report(`replica ${i}: height ${h} (stored range ${from}..${store.tip}) has no ${c === null ? 'block' : 'execution record'}`);
          prevHash = null;
          continue;
        }
        if (!bytesEqual(c.block.hash, e.blockHash)) report(`replica ${i}: height ${h}: execution record is of another block`);
        if (prevHash !== null && !bytesEqual(c.block.parent, prevHash)) report(`replica ${i}: height ${h} does not link to the stored block ${h - 1}`);
        prevHash = c.block.hash;
        mine.set(h, { blockHash: toHex(e.blockHash), stateRoot: toHex(e.stateRoot), receiptsRoot: toHex(e.receiptsRoot) });
        for (const a of acksByHeight.get(h) ?? []) {
          const stored = e.receiptBytes[a.record.index];
          if (stored === undefined || !bytesEqual(stored, a.record.receiptBytes) || !bytesEqual(e.blockHash, a.record.blockHash)) {
            report(`replica ${i}: acknowledged ${a.client.slice(0, 8)}/${a.seq} (height ${h}, index ${a.record.index}) is not there: ${stored === undefined ? 'no receipt at that index' : 'another receipt or block'}`);
          } else {
            fig.acksHeld++;
            holders.set(a, (holders.get(a) ?? 0) + 1);
          }
        }
      }
      for (const a of acks) if (a.record.height < from || a.record.height > store.tip) fig.acksNotHeld++;
    } finally {
      await store.close();
    }
    roots.push(mine);
    figures.push(fig);
  }

  // Every replica whose stored range covers an acknowledged command's height was checked above.
  // One that no replica covers any more was pruned everywhere (retention): counted, not a defect.
  let prunedEverywhere = 0;
  for (const a of acks) if ((holders.get(a) ?? 0) === 0 && figures.every((fig) => a.record.height < Math.max(1, fig.prunedBelow))) prunedEverywhere++;

  let compared = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (const [h, r] of roots[i]) {
        const o = roots[j].get(h);
        if (o === undefined) continue;
        compared++;
        for (const k of ['blockHash', 'stateRoot', 'receiptsRoot'] as const) {
          if (r[k] !== o[k]) report(`replicas ${i} and ${j} disagree on the ${k} of height ${h}: ${r[k].slice(0, 16)} vs ${o[k].slice(0, 16)}`);
        }
      }
    }
  }
  return { replicas: figures, comparedHeights: compared, acksPrunedEverywhere: prunedEverywhere, violations };
}
