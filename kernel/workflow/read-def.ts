// Reads an untrusted workflow definition (parsed JSON) into a typed shape, collecting one error per
// problem with the path where it sits. Only shape and field types are checked here; references and
// graph rules are checked by check-graph.ts on the result.
import type { JoinKind, SplitKind, WorkflowCompileError } from './types.js';
import { LIMITS } from './limits.js';

export interface RawBranch {
  readonly to: string;
  readonly isDefault: boolean;
  readonly path: string;
}

export interface RawTask {
  readonly id: string;
  readonly path: string;
  readonly join: JoinKind;
  readonly split: SplitKind;
  readonly next: readonly RawBranch[];
  readonly milestone: string | null;
  readonly instances: number;
  readonly cancels: readonly { id: string; path: string }[];
  readonly orJoin: string | null;
}

export interface RawCondition {
  readonly id: string;
  readonly path: string;
  readonly next: readonly RawBranch[];
}

export interface RawWorkflow {
  readonly start: string;
  readonly end: string;
  /** Sorted by id. */
  readonly tasks: readonly RawTask[];
  readonly conditions: readonly RawCondition[];
}

/** Ids are restricted so implicit place names (`a->b`) cannot collide and prototype keys cannot occur. */
const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const JOINS: readonly JoinKind[] = ['xor', 'and', 'or', 'discriminator'];
const SPLITS: readonly SplitKind[] = ['and', 'xor', 'or'];
const WORKFLOW_FIELDS = ['start', 'end', 'conditions', 'tasks'];
const TASK_FIELDS = ['join', 'split', 'next', 'milestone', 'instances', 'cancels', 'orJoin'];
const CONDITION_FIELDS = ['next'];
const BRANCH_FIELDS = ['to', 'default'];

type Json = { [k: string]: unknown };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Own keys, sorted by code unit, so error order and compiled order do not depend on JSON order. */
function sortedKeys(o: Json): string[] {
  return Object.keys(o).sort();
}

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= LIMITS.idLengthMax && ID_PATTERN.test(id);
}

class Reader {
  readonly errors: WorkflowCompileError[] = [];

  fail(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  unknownFields(o: Json, allowed: readonly string[], path: string): void {
    for (const k of sortedKeys(o)) if (!allowed.includes(k)) this.fail(`${path}.${k}`, `unknown field "${k}" (allowed: ${allowed.join(', ')})`);
  }

  id(v: unknown, path: string): string | null {
    if (isValidId(v)) return v;
    this.fail(path, `expected an id (letter, then letters, digits, "_", ".", "-"; at most ${LIMITS.idLengthMax}), got ${describe(v)}`);
    return null;
  }

  oneOf<T extends string>(v: unknown, options: readonly T[], fallback: T, path: string): T {
    if (v === undefined) return fallback;
    if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
    this.fail(path, `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${describe(v)}`);
    return fallback;
  }

  branches(v: unknown, path: string, tasksOnly: boolean): RawBranch[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.fail(path, `expected an array of targets, got ${describe(v)}`);
      return [];
    }
    if (v.length > LIMITS.branchesMax) this.fail(path, `at most ${LIMITS.branchesMax} branches, got ${v.length}`);
    const out: RawBranch[] = [];
    v.slice(0, LIMITS.branchesMax).forEach((item, i) => {
      const p = `${path}[${i}]`;
      if (typeof item === 'string') {
        const to = this.id(item, p);
        if (to !== null) out.push({ to, isDefault: false, path: p });
        return;
      }
      if (tasksOnly || !isObject(item)) {
        this.fail(p, tasksOnly ? `expected a task id, got ${describe(item)}` : `expected a target id or {"to", "default"}, got ${describe(item)}`);
        return;
      }
      this.unknownFields(item, BRANCH_FIELDS, p);
      const to = this.id(item.to, `${p}.to`);
      let isDefault = false;
      if (item.default !== undefined) {
        if (typeof item.default === 'boolean') isDefault = item.default;
        else this.fail(`${p}.default`, `expected a boolean, got ${describe(item.default)}`);
      }
      if (to !== null) out.push({ to, isDefault, path: p });
    });
    return out;
  }

  task(id: string, v: unknown, path: string): RawTask | null {
    if (!isObject(v)) {
      this.fail(path, `expected a task object, got ${describe(v)}`);
      return null;
    }
    this.unknownFields(v, TASK_FIELDS, path);
    let instances = 1;
    if (v.instances !== undefined) {
      const n = v.instances;
      if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= LIMITS.instancesMax) instances = n;
      else this.fail(`${path}.instances`, `expected an integer 1..${LIMITS.instancesMax}, got ${describe(n)}`);
    }
    const cancels: { id: string; path: string }[] = [];
    if (v.cancels !== undefined) {
      if (!Array.isArray(v.cancels)) this.fail(`${path}.cancels`, `expected an array of task or condition ids, got ${describe(v.cancels)}`);
      else v.cancels.forEach((c, i) => {
        const target = this.id(c, `${path}.cancels[${i}]`);
        if (target !== null) cancels.push({ id: target, path: `${path}.cancels[${i}]` });
      });
    }
    return {
      id,
      path,
      join: this.oneOf(v.join, JOINS, 'xor', `${path}.join`),
      split: this.oneOf(v.split, SPLITS, 'and', `${path}.split`),
      next: this.branches(v.next, `${path}.next`, false),
      milestone: v.milestone === undefined ? null : this.id(v.milestone, `${path}.milestone`),
      instances,
      cancels,
      orJoin: v.orJoin === undefined ? null : this.id(v.orJoin, `${path}.orJoin`),
    };
  }

  condition(id: string, v: unknown, path: string): RawCondition | null {
    if (!isObject(v)) {
      this.fail(path, `expected a condition object, got ${describe(v)}`);
      return null;
    }
    this.unknownFields(v, CONDITION_FIELDS, path);
    return { id, path, next: this.branches(v.next, `${path}.next`, true) };
  }

  section<T>(v: unknown, path: string, what: string, read: (id: string, item: unknown, p: string) => T | null): T[] {
    if (!isObject(v)) {
      this.fail(path, `expected an object of ${what} by id, got ${describe(v)}`);
      return [];
    }
    const out: T[] = [];
    for (const key of sortedKeys(v)) {
      const p = `${path}.${key}`;
      if (this.id(key, p) === null) continue;
      const item = read(key, v[key], p);
      if (item !== null) out.push(item);
    }
    return out;
  }
}

/** Shape-check a workflow definition. Returns the typed form and the errors found (both may be non-empty). */
export function readWorkflowDef(def: unknown, path: string): { raw: RawWorkflow | null; errors: WorkflowCompileError[] } {
  const r = new Reader();
  if (!isObject(def)) {
    r.fail(path, `expected a workflow object, got ${describe(def)}`);
    return { raw: null, errors: r.errors };
  }
  r.unknownFields(def, WORKFLOW_FIELDS, path);
  const start = r.id(def.start, `${path}.start`);
  const end = r.id(def.end, `${path}.end`);
  const tasks = r.section(def.tasks, `${path}.tasks`, 'tasks', (id, v, p) => r.task(id, v, p));
  const conditions = def.conditions === undefined ? [] : r.section(def.conditions, `${path}.conditions`, 'conditions', (id, v, p) => r.condition(id, v, p));
  if (start === null || end === null) return { raw: null, errors: r.errors };
  return { raw: { start, end, tasks, conditions }, errors: r.errors };
}

/** A short, bounded description of a bad value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
}
