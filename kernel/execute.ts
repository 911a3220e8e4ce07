// One command through µ: principal and replay checks, dispatch by type, then the descriptor
// pipeline (fields -> rules -> effects/approval) inside a journal that commits only on success.
import { toHex } from '../crypto/bytes.js';
import type { CanonicalValue } from '../crypto/canonical.js';
import { KernelFailure, OUT_OF_FUEL, type CompiledCommand, type CompiledDescriptor, type Env } from './descriptor/compiled.js';
import { executeGovernance } from './governance/commands.js';
import { addApproval, closeRequest, NotApprover, openRequest, readRequest } from './policy/approvals.js';
import { decide } from './policy/decide.js';
import { runWorkflowCommand } from './policy/workflow-exec.js';
import { principalSets, type PrincipalSets } from './principals.js';
import { outcome, rejected, type Outcome } from './outcome.js';
import { K } from './state/keys.js';
import type { Store } from './state/store.js';
import { Tx } from './state/tx.js';
import type { Decision, KernelCommand, Risk } from './types.js';

export interface ExecContext {
  store: Store;
  active: CompiledDescriptor;
  height: number;
  chainId: string;
  /** [expiresAt, requestId] of approval requests opened in this batch (filed at batch end). */
  opened: [number, string][];
}

const APPROVE_FUEL = 100;

/** `digest` is the command digest; its hex form names an approval request if one is opened. */
export function executeCommand(x: ExecContext, cmd: KernelCommand, digest: Uint8Array): Outcome {
  const sets = principalSets(x.store.get(K.principal(cmd.principal)));
  if (sets === null) return rejected('denied', 'kernel.capability', `unknown principal ${cmd.principal}`);
  const seqKey = K.lastSeq(cmd.principal); // one string for the read and the write (hashed once)
  const last = x.store.get(seqKey);
  if (typeof last === 'number' && cmd.seq <= last) return rejected('failed', 'kernel.replay', `replayed or stale seq ${cmd.seq}: last accepted is ${last}`);
  // From here on the sequence number is used up, whatever the outcome (so it cannot be replayed).
  x.store.set(seqKey, cmd.seq);
  if (cmd.type.startsWith('gov.')) return executeGovernance(x, cmd);
  if (cmd.type === 'approve') return executeApprove(x, cmd, sets);
  return executeDescriptorCommand(x, cmd, sets, digest);
}

function newEnv(x: ExecContext, cmd: KernelCommand, sets: PrincipalSets, tx: Tx, fuel: number): Env {
  return { cmd, fields: cmd.fields, roles: sets.roles, capabilities: sets.commands, height: x.height, tx, fuel };
}

/** Fuel a command spent, also when it ran out (env.fuel went below zero). */
function spent(budget: number, env: Env): number {
  return env.fuel < 0 ? budget : budget - env.fuel;
}

/** Runs an ALLOWed command's effects and output inside env.tx (throws KernelFailure). */
function perform(x: ExecContext, command: CompiledCommand, env: Env): CanonicalValue {
  command.effects(env);
  if (command.builtin !== null) return runWorkflowCommand(x.active, env, command.builtin);
  const out = command.output === null ? null : command.output(env);
  // Bytes read from state go out in a receipt the driver owns: hand out a copy, never the state's array.
  return out instanceof Uint8Array ? out.slice() : out;
}

function executeDescriptorCommand(x: ExecContext, cmd: KernelCommand, sets: PrincipalSets, digest: Uint8Array): Outcome {
  const command = x.active.commands.get(cmd.type);
  if (command === undefined) return rejected('failed', 'kernel.dispatch', `unknown command type "${cmd.type}" in descriptor ${x.active.name} v${x.active.version}`);
  if (!sets.commands.has(cmd.type) && !sets.commands.has('*')) {
    return rejected('denied', 'kernel.capability', `principal ${cmd.principal} may not submit "${cmd.type}"`);
  }
  const tx = new Tx(x.store);
  const env = newEnv(x, cmd, sets, tx, command.fuel);
  // What a failure reports as the decision: nothing decided yet (fields), a guard that failed or
  // ran out of fuel (guard), or the rule that had decided when its effects failed.
  let decision: Decision = 'DENY';
  let risk: Risk = 'none';
  let ruleId: string | null = 'kernel.fields';
  try {
    const problem = command.validate(env);
    if (problem !== null) return rejected('failed', 'kernel.fields', problem, spent(command.fuel, env));
    ruleId = 'kernel.guard';
    const v = decide(x.active, command, env);
    decision = v.decision;
    risk = v.risk;
    ruleId = v.rule === null ? null : v.rule.id;
    if (v.decision === 'DENY') {
      const reason = v.rule === null ? `no rule allows "${cmd.type}" (default DENY)` : (v.rule.reason ?? `denied by rule ${v.rule.id}`);
      return outcome(decision, risk, ruleId, 'denied', reason, null, spent(command.fuel, env), []);
    }
    if (v.decision === 'REQUIRE_APPROVAL' && v.rule !== null) {
      const opened = openRequest(env, v.rule, toHex(digest));
      tx.commit();
      x.opened.push([opened.expiresAt, opened.requestId]);
      return outcome(decision, risk, ruleId, 'pending', null, opened, spent(command.fuel, env), tx.log);
    }
    const output = perform(x, command, env);
    tx.commit();
    return outcome(decision, risk, ruleId, 'ok', null, output, spent(command.fuel, env), tx.log);
  } catch (e) {
    return failure(e, decision, risk, ruleId, spent(command.fuel, env));
  }
}

function failure(e: unknown, decision: Decision, risk: Risk, ruleId: string | null, fuel: number): Outcome {
  const reason = e === OUT_OF_FUEL ? 'out of fuel' : e instanceof KernelFailure ? e.reason : `internal error: ${(e as Error)?.message ?? String(e)}`;
  const result = e instanceof NotApprover ? 'denied' : 'failed';
  return outcome(decision, risk, ruleId, result, reason, null, fuel, []);
}

function executeApprove(x: ExecContext, cmd: KernelCommand, sets: PrincipalSets): Outcome {
  const keys = Object.keys(cmd.fields);
  const id = cmd.fields.requestId;
  if (keys.length !== 1 || typeof id !== 'string' || id.length > 128) {
    return rejected('failed', 'kernel.fields', 'approve takes exactly { requestId: string }');
  }
  const tx = new Tx(x.store);
  const req = readRequest(tx, id);
  if (req === null) return rejected('failed', 'kernel.approval', `no pending approval request ${id}`);
  const risk = req.risk as Risk;
  const fuel = APPROVE_FUEL;
  try {
    const updated = addApproval(req, cmd.principal, sets.roles, x.height);
    if (updated.approvals.length < updated.threshold) {
      tx.set(K.approval(id), updated as unknown as CanonicalValue);
      tx.commit();
      const output = { requestId: id, approvals: updated.approvals.length, threshold: updated.threshold, executed: false };
      return outcome('REQUIRE_APPROVAL', risk, req.ruleId, 'ok', null, output, fuel, tx.log);
    }
    // Threshold reached: the original command's effects run now, as its requester.
    const command = x.active.commands.get(req.type);
    if (command === undefined) throw new KernelFailure(`command type "${req.type}" is not in the active descriptor any more`);
    const requester = principalSets(x.store.get(K.principal(req.principal)));
    if (requester === null) throw new KernelFailure(`requester ${req.principal} is no longer a registered principal`);
    const original: KernelCommand = { principal: req.principal, seq: req.seq, type: req.type, fields: req.fields };
    const env = newEnv(x, original, requester, tx, command.fuel);
    let output: CanonicalValue;
    try {
      output = perform(x, command, env);
    } catch (e) {
      return failure(e, 'REQUIRE_APPROVAL', risk, req.ruleId, fuel + spent(command.fuel, env));
    }
    closeRequest(tx, updated);
    tx.commit();
    const summary = { requestId: id, approvals: updated.approvals.length, threshold: updated.threshold, executed: true, output };
    return outcome('ALLOW', risk, req.ruleId, 'ok', null, summary, fuel + spent(command.fuel, env), tx.log);
  } catch (e) {
    return failure(e, 'REQUIRE_APPROVAL', risk, req.ruleId, fuel);
  }
}
