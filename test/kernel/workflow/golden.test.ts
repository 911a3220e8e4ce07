// Golden transcripts (etcd datadriven style): each file under golden/ names an example workflow and
// a script of `> command` lines; the test replays the script and the whole file, with the engine's
// answers between the commands, must match byte for byte. A reviewer reads exactly what the engine
// did. After an intended change: UPDATE_GOLDEN=1 npx mocha test/kernel/workflow/golden.test.ts,
// then review the diff.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cancelCase, cancelTask, completeTask, enabledTasks, startCase } from '../../../kernel/workflow/api.js';
import type { CaseState, CompiledWorkflow, StepResult, WorkflowEvent } from '../../../kernel/workflow/api.js';
import { loadExample } from './helpers.js';

const dir = new URL('./golden/', import.meta.url);

function renderEvent(e: WorkflowEvent): string {
  switch (e.kind) {
    case 'task-completed': return `event: ${e.kind} ${e.task} -> ${e.chosen.join(', ')}`;
    case 'instance-completed': return `event: ${e.kind} ${e.task} ${e.instance}/${e.total}`;
    case 'task-cancelled': return `event: ${e.kind} ${e.task}`;
    case 'tokens-absorbed': return `event: ${e.kind} ${e.task} <- ${e.place}`;
    case 'region-cancelled': return `event: ${e.kind} by ${e.task}: places [${e.places.join(', ')}] tasks [${e.tasks.join(', ')}]`;
    case 'case-completed': case 'case-cancelled': return `event: ${e.kind}`;
  }
}

function renderCase(wf: CompiledWorkflow, c: CaseState): string[] {
  const marking = Object.keys(c.marking).sort().map((p) => `${p}=${c.marking[p]}`).join(' ');
  const lines = [`status: ${c.status}  marking: ${marking || '(none)'}`, `enabled: ${enabledTasks(wf, c).join(', ') || '(none)'}`];
  const extra = [
    ...Object.keys(c.orJoins).sort().map((j) => `or-join ${j} waits for ${c.orJoins[j].join(', ')}`),
    ...Object.keys(c.discriminators).sort().map((d) => `discriminator ${d} waiting, arrived: ${c.discriminators[d].join(', ')}`),
    ...Object.keys(c.instances).sort().map((t) => `instances ${t}: ${c.instances[t].completed}/${c.instances[t].total}`),
  ];
  return [...lines, ...extra];
}

function replay(text: string): string {
  const lines = text.split('\n');
  const header = lines[0];
  const match = /^workflow: (\S+)$/.exec(header);
  if (match === null) throw new Error(`golden file must start with "workflow: <example file>", got ${header}`);
  const wf = loadExample(match[1]);
  const out = [header];
  let c: CaseState | null = null;
  for (const line of lines.slice(1)) {
    if (!line.startsWith('> ') && !line.startsWith('#')) continue;
    out.push(line);
    if (line.startsWith('#')) continue;
    const [cmd, ...args] = line.slice(2).trim().split(/\s+/);
    if (cmd === 'start') {
      c = startCase(wf, args[0]);
      out.push(...renderCase(wf, c));
      continue;
    }
    if (c === null) throw new Error(`"${line}" before "> start"`);
    let r: StepResult;
    if (cmd === 'complete') r = completeTask(wf, c, args[0], args.length > 1 ? { choices: args.slice(1) } : {});
    else if (cmd === 'cancel-task') r = cancelTask(wf, c, args[0]);
    else if (cmd === 'cancel-case') r = cancelCase(wf, c);
    else throw new Error(`unknown golden command "${cmd}"`);
    if (!r.ok) {
      out.push(`refused: ${r.reason}`);
      continue;
    }
    out.push(...r.events.map(renderEvent), `fuel: ${r.fuelUsed}`);
    c = r.case;
    out.push(...renderCase(wf, c));
  }
  return out.join('\n') + '\n';
}

describe('workflow golden transcripts', () => {
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(name, () => {
      const url = new URL(name, dir);
      const text = readFileSync(url, 'utf8');
      const actual = replay(text);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
      else assert.equal(actual, text);
    });
  }
});
