// Approval gates (human in the loop). A REQUIRE_APPROVAL decision stores a request at `a/<id>`
// (id = hex command digest); named approvers complete it with `approve { requestId }` commands
// (their client signatures were checked by the driver; the kernel checks who they are, duplicates,
// expiry and the threshold). The request expires `expiresAfterHeights` after it was opened.
import type { CanonicalValue } from '../../crypto/canonical.js';
import { KernelFailure, type CompiledRule, type Env } from '../descriptor/compiled.js';
import { KERNEL_LIMITS } from '../limits.js';
import { K } from '../state/keys.js';
import type { Store } from '../state/store.js';
import type { Tx } from '../state/tx.js';

export interface ApprovalRequest {
  requestId: string;
  principal: string;
  seq: number;
  type: string;
  fields: Record<string, CanonicalValue>;
  ruleId: string;
  risk: string;
  role: string | null;
  ids: string[] | null;
  threshold: number;
  approvals: string[];
  openedAt: number;
  expiresAt: number;
}

type ExpiryList = [number, string][];

function expiryList(get: (k: string) => CanonicalValue | undefined): ExpiryList {
  const v = get(K.approvalExpiry);
  return Array.isArray(v) ? (v as unknown as ExpiryList) : [];
}

/** Opens a request for the command in `env`; returns the output its receipt carries. */
export function openRequest(env: Env, rule: CompiledRule, requestId: string): CanonicalValue {
  const spec = rule.approval;
  if (spec === null) throw new KernelFailure(`rule ${rule.id} has no approval gate`);
  const list = expiryList((k) => env.tx.get(k));
  if (list.length >= KERNEL_LIMITS.pendingApprovalsMax) throw new KernelFailure(`too many pending approval requests (${KERNEL_LIMITS.pendingApprovalsMax})`);
  const expiresAt = env.height + spec.expiresAfterHeights;
  const req: ApprovalRequest = {
    requestId,
    principal: env.cmd.principal,
    seq: env.cmd.seq,
    type: env.cmd.type,
    fields: env.fields,
    ruleId: rule.id,
    risk: rule.risk,
    role: spec.role,
    ids: spec.ids === null ? null : [...spec.ids],
    threshold: spec.threshold,
    approvals: [],
    openedAt: env.height,
    expiresAt,
  };
  env.tx.set(K.approval(requestId), req as unknown as CanonicalValue);
  env.tx.set(K.approvalExpiry, insertSorted(list, [expiresAt, requestId]) as unknown as CanonicalValue);
  return { requestId, threshold: spec.threshold, expiresAt };
}

export function readRequest(tx: Tx, requestId: string): ApprovalRequest | null {
  const v = tx.get(K.approval(requestId));
  return v === undefined ? null : (v as unknown as ApprovalRequest);
}

/** Records `approver`'s approval; returns the updated request (not yet written). */
export function addApproval(req: ApprovalRequest, approver: string, approverRoles: ReadonlySet<string>, height: number): ApprovalRequest {
  if (height > req.expiresAt) throw new KernelFailure(`approval request ${req.requestId} expired at height ${req.expiresAt}`);
  const allowed = req.role !== null ? approverRoles.has(req.role) : (req.ids ?? []).includes(approver);
  if (!allowed) throw new NotApprover(`${approver} is not an approver of request ${req.requestId}`);
  if (approver === req.principal) throw new NotApprover('a requester may not approve their own request');
  if (req.approvals.includes(approver)) throw new KernelFailure(`duplicate approval by ${approver}`);
  return { ...req, approvals: [...req.approvals, approver].sort() };
}

/** Removes a request and its expiry entry. */
export function closeRequest(tx: Tx, req: ApprovalRequest): void {
  tx.delete(K.approval(req.requestId));
  const list = expiryList((k) => tx.get(k)).filter(([, id]) => id !== req.requestId);
  tx.set(K.approvalExpiry, list as unknown as CanonicalValue);
}

/** At the start of a batch: drops every request that expired before `height`. */
export function sweepExpired(store: Store, height: number): void {
  const list = expiryList((k) => store.get(k));
  let n = 0;
  while (n < list.length && list[n][0] < height) {
    store.delete(K.approval(list[n][1]));
    n++;
  }
  if (n > 0) store.set(K.approvalExpiry, list.slice(n) as unknown as CanonicalValue);
}

/** A DENY-class rejection (the approver is not allowed), as opposed to a failure. */
export class NotApprover extends KernelFailure {}

function insertSorted(list: ExpiryList, item: [number, string]): ExpiryList {
  const out = list.slice();
  let i = out.length;
  while (i > 0 && (out[i - 1][0] > item[0] || (out[i - 1][0] === item[0] && out[i - 1][1] > item[1]))) i--;
  out.splice(i, 0, item);
  return out;
}
