// Policy evaluation: the first applicable rule whose guard holds decides; otherwise the descriptor's
// default (deny unless the descriptor says otherwise).
import type { CompiledCommand, CompiledDescriptor, CompiledRule, Env } from '../descriptor/compiled.js';
import type { Decision, Risk } from '../types.js';

export interface Verdict {
  decision: Decision;
  risk: Risk;
  rule: CompiledRule | null;
}

export function decide(desc: CompiledDescriptor, command: CompiledCommand, env: Env): Verdict {
  const rules = command.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.guard(env)) return { decision: r.decision, risk: r.risk, rule: r };
  }
  return { decision: desc.defaultDecision, risk: desc.defaultRisk, rule: null };
}
