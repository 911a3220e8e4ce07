// The fault plan of a run, generated from the seed and the `--faults` classes. Everything the
// adversary will do is decided up front and is plain data (printable with the failure report),
// in the style of TigerBeetle's VOPR: a fault phase of bounded length, after which the network heals
// and every crashed replica is back, followed by a liveness phase that must converge.
import { Prng } from './prng.js';
import { noNetworkFaults, type NetworkFaults, type Partition } from './network.js';

export const networkFaultClasses = ['loss', 'dup', 'reorder', 'partition'] as const;
export const nodeFaultClasses = ['crash', 'skew'] as const;
/** Behaviours of Byzantine replicas (sim/byzantine/). */
export const byzantineFaultClasses = ['equivocate', 'twins', 'fork', 'doublevote', 'badvote', 'withhold', 'garbage'] as const;
export const allFaultClasses = [...networkFaultClasses, ...nodeFaultClasses, ...byzantineFaultClasses] as const;

export type FaultClass = (typeof allFaultClasses)[number];
export type ByzantineBehaviour = (typeof byzantineFaultClasses)[number];

export interface CrashFault {
  node: number;
  atMs: number;
  restartMs: number;
}

export interface ByzantineAssignment {
  node: number;
  behaviours: ByzantineBehaviour[];
}

export interface FaultPlan {
  classes: FaultClass[];
  network: NetworkFaults;
  crashes: CrashFault[];
  /** Per replica: a timer set for d virtual ms fires after d * drift[i] (1 = a perfect clock). */
  drift: number[];
  byzantine: ByzantineAssignment[];
  /** Every fault has healed by this virtual time: the liveness phase starts here. */
  faultEndMs: number;
}

/** Parses `loss,dup,...` (also `all` and `none`); throws RangeError naming an unknown class. */
export function parseFaultClasses(spec: string | undefined): FaultClass[] {
  if (spec === undefined || spec.trim() === '' || spec === 'none') return [];
  const out = new Set<FaultClass>();
  for (const raw of spec.split(',')) {
    const name = raw.trim();
    if (name === 'all') {
      for (const c of allFaultClasses) out.add(c);
      continue;
    }
    if (!(allFaultClasses as readonly string[]).includes(name)) {
      throw new RangeError(`unknown fault class ${JSON.stringify(name)} (known: ${allFaultClasses.join(', ')}, all, none)`);
    }
    out.add(name as FaultClass);
  }
  return allFaultClasses.filter((c) => out.has(c));
}

export interface FaultPlanInput {
  seed: number;
  nodes: number;
  byzantine: number;
  classes: FaultClass[];
  /** Length of the fault phase in virtual ms. */
  faultWindowMs: number;
}

/**
 * Draws the plan. Byzantine replicas are the last `byzantine` ids (so the honest ones are 0..n-f-1,
 * which keeps reports readable); crashes and partitions hit only honest replicas, one crash at a
 * time, so that faults beyond the f Byzantine ones are always temporary.
 */
export function planFaults(input: FaultPlanInput): FaultPlan {
  const { nodes, byzantine, classes, faultWindowMs } = input;
  const prng = new Prng(input.seed).fork();
  const has = (c: FaultClass) => classes.includes(c);
  const honest = nodes - byzantine;
  const network: NetworkFaults = { ...noNetworkFaults, partitions: [] as Partition[], activeUntilMs: faultWindowMs };
  if (has('loss')) network.lossP = 0.02 + prng.next() * 0.08;
  if (has('dup')) network.dupP = 0.02 + prng.next() * 0.08;
  if (has('reorder')) {
    network.reorderP = 0.05 + prng.next() * 0.2;
    network.reorderExtraMsMax = prng.int(20, 200);
  }
  if (has('partition')) {
    const count = prng.int(1, 3);
    for (let i = 0; i < count; i++) {
      const startMs = prng.int(0, Math.floor(faultWindowMs * 0.7));
      const healMs = Math.min(faultWindowMs, startMs + prng.int(200, Math.floor(faultWindowMs / 2)));
      const side = shuffled(prng, range(nodes)).slice(0, prng.int(1, Math.max(1, Math.floor(nodes / 2))));
      const rest = range(nodes).filter((x) => !side.includes(x));
      network.partitions.push({ startMs, healMs, from: side.sort((a, b) => a - b), to: rest, oneWay: prng.chance(0.4) });
    }
  }
  const crashes: CrashFault[] = [];
  if (has('crash') && honest > 0) {
    let t = prng.int(0, Math.floor(faultWindowMs / 4));
    while (t < faultWindowMs - 100) {
      const restartMs = Math.min(faultWindowMs, t + prng.int(100, Math.floor(faultWindowMs / 3)));
      crashes.push({ node: prng.int(0, honest - 1), atMs: t, restartMs });
      t = restartMs + prng.int(50, Math.floor(faultWindowMs / 3));
    }
  }
  const drift = range(nodes).map(() => (has('skew') ? 0.8 + prng.int(0, 45) / 100 : 1));
  const byzBehaviours = byzantineFaultClasses.filter((c) => has(c));
  const byzantineList: ByzantineAssignment[] = [];
  for (let i = 0; i < byzantine; i++) {
    const node = honest + i;
    // With no Byzantine class chosen, a Byzantine replica stays silent where it matters: it withholds votes.
    const behaviours: ByzantineBehaviour[] = byzBehaviours.length === 0 ? ['withhold'] : byzBehaviours.filter((b) => b !== 'twins' || i === 0);
    byzantineList.push({ node, behaviours: behaviours.length > 0 ? behaviours : ['withhold'] });
  }
  let faultEndMs = 0;
  if (classes.some((c) => (networkFaultClasses as readonly string[]).includes(c))) faultEndMs = faultWindowMs;
  for (const c of crashes) faultEndMs = Math.max(faultEndMs, c.restartMs);
  for (const p of network.partitions) faultEndMs = Math.max(faultEndMs, p.healMs);
  return { classes, network, crashes, drift, byzantine: byzantineList, faultEndMs };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function shuffled<T>(prng: Prng, items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
