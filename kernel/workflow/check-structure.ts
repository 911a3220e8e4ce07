// Structural rules of a workflow net, checked on the built net (references are already known good):
//   - every node is reachable from start, and end is reachable from every node;
//   - every cycle passes through an exclusive choice (an XOR-split task or a deferred-choice
//     condition, i.e. a condition with two or more tasks after it): a loop must be leavable and may
//     not multiply tokens by itself;
//   - OR-joins, discriminators and paired OR-splits lie on no cycle (their structured rules count
//     branches of one block);
//   - joins and splits are used with the arity and flags they need.
import type { CompiledWorkflow, WorkflowCompileError } from './types.js';
import type { RawWorkflow } from './read-def.js';
import { cyclicComponents, reachable, reversed } from './graph.js';
import type { Graph } from './graph.js';

export function checkStructure(wf: CompiledWorkflow, raw: RawWorkflow, path: string): WorkflowCompileError[] {
  const errors: WorkflowCompileError[] = [];
  const fail = (p: string, message: string) => errors.push({ path: p, message });
  const pathOf = new Map<string, string>();
  for (const t of raw.tasks) pathOf.set(t.id, t.path);
  for (const c of raw.conditions) pathOf.set(c.id, c.path);
  if (!pathOf.has(wf.end)) pathOf.set(wf.end, `${path}.end`);
  const where = (id: string) => pathOf.get(id) ?? path;

  const graph = nodeGraph(wf, raw);
  const fromStart = reachable(graph, wf.start);
  const toEnd = reachable(reversed(graph), wf.end);
  for (const id of [...graph.keys()].sort()) {
    if (!fromStart.has(id)) fail(where(id), `"${id}" is not reachable from the start condition "${wf.start}"`);
    else if (!toEnd.has(id)) fail(where(id), `no path from "${id}" to the end condition "${wf.end}"`);
  }

  const choiceNodes = new Set<string>();
  for (const id of wf.taskIds) if (wf.tasks[id].split === 'xor' && wf.tasks[id].branches.length > 1) choiceNodes.add(id);
  for (const c of raw.conditions) if (c.next.length > 1) choiceNodes.add(c.id);
  const withoutChoices = new Map<string, string[]>();
  for (const [id, next] of graph) if (!choiceNodes.has(id)) withoutChoices.set(id, next.filter((n) => !choiceNodes.has(n)));
  for (const cycle of cyclicComponents(withoutChoices)) {
    fail(where(cycle[0]), `cycle through ${cycle.map((n) => `"${n}"`).join(', ')} has no exclusive choice (an XOR split or a deferred-choice condition) on it`);
  }
  const onCycle = new Set(cyclicComponents(graph).flat());

  const joinPairs = new Map<string, string[]>();
  for (const id of wf.taskIds) {
    const t = wf.tasks[id];
    const p = where(id);
    if ((t.join === 'or' || t.join === 'discriminator') && t.inputs.length < 2) fail(`${p}.join`, `a "${t.join}" join needs at least two incoming arcs, "${id}" has ${t.inputs.length}`);
    if ((t.join === 'or' || t.join === 'discriminator') && onCycle.has(id)) fail(`${p}.join`, `a "${t.join}" join may not lie on a cycle ("${id}" does)`);
    if (t.split === 'and') {
      raw.tasks.find((r) => r.id === id)?.next.forEach((b) => {
        if (b.isDefault) fail(b.path, 'an AND split takes every branch: "default" does not apply');
      });
    }
    if (t.split === 'xor' && t.branches.filter((b) => b.isDefault).length > 1) fail(`${p}.next`, 'an XOR split has at most one default branch');
    if (t.pairedJoin !== null) {
      const join = wf.tasks[t.pairedJoin];
      joinPairs.set(join.id, [...(joinPairs.get(join.id) ?? []), id]);
      if (onCycle.has(id)) fail(`${p}.orJoin`, `an OR split paired with an OR join may not lie on a cycle ("${id}" does)`);
      if (t.branches.length !== join.inputs.length) {
        fail(`${p}.orJoin`, `OR split "${id}" has ${t.branches.length} branches but its OR join "${join.id}" has ${join.inputs.length} incoming arcs; they must match one to one`);
      }
      for (const b of t.branches) {
        if (!reachable(graph, b.to).has(join.id)) fail(`${p}.orJoin`, `branch "${b.to}" of OR split "${id}" never reaches its OR join "${join.id}"`);
      }
      const leak = orBlockLeak(graph, wf, id, join.id);
      if (leak !== null) fail(`${p}.orJoin`, leak);
    }
  }
  for (const id of wf.taskIds) {
    if (wf.tasks[id].join !== 'or') continue;
    const splits = joinPairs.get(id) ?? [];
    if (splits.length === 0) fail(`${where(id)}.join`, `OR join "${id}" needs an OR split that names it in "orJoin"`);
    if (splits.length > 1) fail(`${where(id)}.join`, `OR join "${id}" is paired with several OR splits (${splits.join(', ')}); exactly one is allowed`);
  }
  return errors;
}

/**
 * The OR join counts the branches its split activated, so the block between them must be closed:
 * no path from a branch reaches the end without passing the join, and nothing outside the block
 * enters it. Returns what breaks that, or null.
 */
function orBlockLeak(graph: Graph, wf: CompiledWorkflow, split: string, join: string): string | null {
  const cut = new Map<string, string[]>();
  for (const [node, next] of graph) if (node !== join && node !== split) cut.set(node, next.filter((n) => n !== join && n !== split));
  const inside = new Set<string>();
  for (const b of wf.tasks[split].branches) if (b.to !== join) for (const n of reachable(cut, b.to)) inside.add(n);
  if (inside.has(wf.end)) return `a path from OR split "${split}" reaches the end without passing its OR join "${join}"`;
  const preds = reversed(graph);
  for (const node of [...inside, join].sort()) {
    const outsider = (preds.get(node) ?? []).find((p) => p !== split && !inside.has(p));
    if (outsider !== undefined) return `"${outsider}" enters the block of OR split "${split}" / OR join "${join}" from outside (at "${node}")`;
  }
  return null;
}

/** Node graph: condition -> tasks after it, task -> its branch targets; successors sorted. */
function nodeGraph(wf: CompiledWorkflow, raw: RawWorkflow): Graph {
  const graph = new Map<string, string[]>();
  for (const c of wf.conditions) graph.set(c, []);
  for (const c of raw.conditions) graph.set(c.id, c.next.map((b) => b.to).sort());
  for (const id of wf.taskIds) graph.set(id, wf.tasks[id].branches.map((b) => b.to).sort());
  return graph;
}
