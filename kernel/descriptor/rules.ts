// Policy rules: an ordered list; for a command, the first rule (among those that apply to its type)
// whose guard holds decides ALLOW / DENY / REQUIRE_APPROVAL, with a risk level and its id.
//   { "id": "r1", "commands"?: [types], "when": guard, "decision": "...", "risk"?: "...", "reason"?: text,
//     "approval"?: { "approvers": { "role": r } | { "ids": [...] }, "threshold": m, "expiresAfterHeights": n } }
import { KERNEL_LIMITS } from '../limits.js';
import type { Decision, Risk } from '../types.js';
import { DECISIONS, RISKS } from '../vocabulary.js';
import type { ApprovalSpec, CompiledRule, DescriptorError } from './compiled.js';
import { compileGuard, type CompiledGuard } from './guard.js';
import { describe, fail, isPlainObject, NAME_RE, type Scope } from './scope.js';

const RULE_KEYS = ['id', 'commands', 'when', 'decision', 'risk', 'reason', 'approval', 'description'];

export interface RuleSource {
  path: string;
  rule: Omit<CompiledRule, 'guard'>;
  /** Command types the rule applies to; null = every command type. */
  commands: string[] | null;
  compileGuard: (scope: Scope) => CompiledGuard;
}

export function readRules(src: unknown, commandNames: string[], err: { errors: DescriptorError[] }): RuleSource[] {
  if (src === undefined) return [];
  if (!Array.isArray(src)) {
    fail(err, 'rules', `must be a list of rules, got ${describe(src)}`);
    return [];
  }
  if (src.length > KERNEL_LIMITS.rulesMax) fail(err, 'rules', `more than ${KERNEL_LIMITS.rulesMax} rules`);
  const ids = new Set<string>();
  const out: RuleSource[] = [];
  src.forEach((r, i) => {
    const at = `rules[${i}]`;
    if (!isPlainObject(r)) {
      fail(err, at, `expected a rule object, got ${describe(r)}`);
      return;
    }
    for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k)) fail(err, `${at}.${k}`, 'unknown key in a rule');
    const id = r.id;
    if (typeof id !== 'string' || !NAME_RE.test(id)) fail(err, `${at}.id`, 'a rule needs an id (a name)');
    else if (ids.has(id)) fail(err, `${at}.id`, `duplicate rule id "${id}"`);
    else ids.add(id);
    let commands: string[] | null = null;
    if (r.commands !== undefined) {
      if (!Array.isArray(r.commands) || r.commands.length === 0) fail(err, `${at}.commands`, 'must be a non-empty list of command types');
      else {
        commands = [];
        r.commands.forEach((c, j) => {
          if (typeof c !== 'string' || !commandNames.includes(c)) fail(err, `${at}.commands[${j}]`, `no command type ${JSON.stringify(c)} is declared`);
          else if (!commands!.includes(c)) commands!.push(c);
        });
      }
    }
    const decision = r.decision as Decision;
    if (!DECISIONS.includes(decision)) fail(err, `${at}.decision`, `must be one of ${DECISIONS.join(', ')}`);
    const risk = (r.risk ?? 'none') as Risk;
    if (!RISKS.includes(risk)) fail(err, `${at}.risk`, `must be one of ${RISKS.join(', ')}`);
    if (r.reason !== undefined && typeof r.reason !== 'string') fail(err, `${at}.reason`, 'must be a string');
    if (!('when' in r)) fail(err, `${at}.when`, 'a rule needs a guard ("when": true for always)');
    let approval: ApprovalSpec | null = null;
    if (decision === 'REQUIRE_APPROVAL') approval = readApproval(r.approval, `${at}.approval`, err);
    else if (r.approval !== undefined) fail(err, `${at}.approval`, 'only REQUIRE_APPROVAL rules take an approval gate');
    const when = r.when;
    out.push({
      path: at,
      rule: { id: String(id), decision, risk, reason: typeof r.reason === 'string' ? r.reason : null, approval },
      commands,
      compileGuard: (scope) => compileGuard(when, `${at}.when`, scope),
    });
  });
  return out;
}

function readApproval(src: unknown, path: string, err: { errors: DescriptorError[] }): ApprovalSpec | null {
  if (!isPlainObject(src)) {
    fail(err, path, 'REQUIRE_APPROVAL needs { "approvers": ..., "threshold": m, "expiresAfterHeights": n }');
    return null;
  }
  for (const k of Object.keys(src)) if (!['approvers', 'threshold', 'expiresAfterHeights'].includes(k)) fail(err, `${path}.${k}`, 'unknown key in an approval gate');
  const a = src.approvers;
  let role: string | null = null;
  let ids: string[] | null = null;
  if (isPlainObject(a) && typeof a.role === 'string' && Object.keys(a).length === 1) role = a.role;
  else if (isPlainObject(a) && Array.isArray(a.ids) && Object.keys(a).length === 1 && a.ids.length > 0 && a.ids.every((x) => typeof x === 'string')) {
    ids = [...new Set(a.ids as string[])].sort();
  } else fail(err, `${path}.approvers`, 'approvers is { "role": name } or { "ids": [key ids] }');
  const t = src.threshold;
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 1 || (ids !== null && t > ids.length)) {
    fail(err, `${path}.threshold`, `threshold must be an integer in 1..${ids?.length ?? 'number of approvers'}`);
  }
  const e = src.expiresAfterHeights;
  if (typeof e !== 'number' || !Number.isSafeInteger(e) || e < 1) fail(err, `${path}.expiresAfterHeights`, 'must be an integer >= 1');
  return { role, ids, threshold: Number(t), expiresAfterHeights: Number(e) };
}
