// previewDecision: the policy decision a command would get now, without executing it or changing
// state (no effects, no receipt, no sequence number used). For dry runs ("would this be allowed?")
// and for measuring the decision path alone (knhk bench kernel).
import { commandShapeProblem } from './command.js';
import { OUT_OF_FUEL, KernelFailure, type Env } from './descriptor/compiled.js';
import { decide } from './policy/decide.js';
import { principalSets } from './principals.js';
import { storeOf } from './state/handle.js';
import { K } from './state/keys.js';
import { Tx } from './state/tx.js';
import type { Decision, KernelCommand, KernelContext, KernelState, ReceiptResult, Risk } from './types.js';

export interface DecisionPreview {
  decision: Decision;
  risk: Risk;
  ruleId: string | null;
  /** What the receipt's result would be: ok (ALLOW), pending (REQUIRE_APPROVAL), denied, failed. */
  result: ReceiptResult;
  reason: string | null;
  fuelUsed: number;
}

function no(result: 'denied' | 'failed', ruleId: string, reason: string, fuelUsed = 0): DecisionPreview {
  return { decision: 'DENY', risk: 'none', ruleId, result, reason, fuelUsed };
}

export function previewDecision(state: KernelState, cmd: KernelCommand, ctx: KernelContext): DecisionPreview {
  const { store, active } = storeOf(state);
  const shape = commandShapeProblem(cmd);
  if (shape !== null) return no('failed', 'kernel.decode', shape);
  const sets = principalSets(store.get(K.principal(cmd.principal)));
  if (sets === null) return no('denied', 'kernel.capability', `unknown principal ${cmd.principal}`);
  const last = store.get(K.lastSeq(cmd.principal));
  if (typeof last === 'number' && cmd.seq <= last) return no('failed', 'kernel.replay', `replayed or stale seq ${cmd.seq}: last accepted is ${last}`);
  const command = active.commands.get(cmd.type);
  if (command === undefined) return no('failed', 'kernel.dispatch', `"${cmd.type}" is not a descriptor command type`);
  if (!sets.commands.has(cmd.type) && !sets.commands.has('*')) return no('denied', 'kernel.capability', `principal ${cmd.principal} may not submit "${cmd.type}"`);
  const env: Env = { cmd, fields: cmd.fields, roles: sets.roles, capabilities: sets.commands, height: ctx.height, tx: new Tx(store), fuel: command.fuel };
  try {
    const problem = command.validate(env);
    if (problem !== null) return no('failed', 'kernel.fields', problem, command.fuel - env.fuel);
    const v = decide(active, command, env);
    const result = v.decision === 'ALLOW' ? 'ok' : v.decision === 'DENY' ? 'denied' : 'pending';
    const reason = v.decision === 'DENY' ? (v.rule?.reason ?? (v.rule === null ? 'default DENY' : `denied by rule ${v.rule.id}`)) : null;
    return { decision: v.decision, risk: v.risk, ruleId: v.rule?.id ?? null, result, reason, fuelUsed: command.fuel - env.fuel };
  } catch (e) {
    const reason = e === OUT_OF_FUEL ? 'out of fuel' : e instanceof KernelFailure ? e.reason : `internal error: ${(e as Error)?.message}`;
    return no('failed', 'kernel.guard', reason, Math.min(command.fuel, command.fuel - env.fuel));
  }
}
