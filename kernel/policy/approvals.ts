// Approval gates (human in the loop). A REQUIRE_APPROVAL decision stores a request at `a/<id>`
// (id = hex command digest); named approvers complete it with `approve { requestId }` commands
// (their client signatures were checked by the driver; the kernel checks who they are, duplicates,
// expiry and the threshold). A request expires `expiresAfterHeights` after it was opened.
//
// Expiry index: one bucket per expiry height (`a:exp/<h>`, ids) plus the sorted list of heights
// that have a bucket. New requests are added to buckets once per batch (flushExpiries), not per
// command, so opening a request costs O(1) writes however many are pending.
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { KernelFailure, type CompiledRule, type Env } from '../descriptor/compiled.js';
import { KERNEL_LIMITS } from '../limits.js';
import { K } from '../state/keys.js';
import type { Store } from '../state/store.js';
import type { Tx } from '../state/tx.js';
import { sortStringsInPlace } from '../../crypto/small-sort.js';
import { isAscii, utf8Length } from '../utf8.js';

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

/**
 * What canonicalDecode(canonicalEncode(fields)) returns (a detached copy, keys in canonical order),
 * without the round trip for the usual shape: ASCII names and scalar values (immutable, or bytes
 * that are copied). Anything else takes the round trip itself.
 */
export function copyFields(fields: Record<string, CanonicalValue>): Record<string, CanonicalValue> {
  const names = Object.keys(fields);
  // For ASCII names JS string order is UTF-8 byte order, the canonical key order.
  sortStringsInPlace(names);
  const out: Record<string, CanonicalValue> = {};
  for (const name of names) {
    const v = fields[name];
    const scalar = v === null || typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)) || v instanceof Uint8Array;
    if (!scalar || name === '__proto__' || !isAscii(name) || (typeof v === 'string' && utf8Length(v) < 0)) {
      return canonicalDecode(canonicalEncode(fields)) as Record<string, CanonicalValue>;
    }
    // new Uint8Array(v): a plain copy even if v is a Buffer (whose slice() is a view).
    out[name] = v instanceof Uint8Array ? new Uint8Array(v) : v;
  }
  return out;
}

/** Opens a request for the command in `env` (inside env.tx); returns the output its receipt carries. */
export function openRequest(env: Env, rule: CompiledRule, requestId: string): { requestId: string; threshold: number; expiresAt: number } {
  const spec = rule.approval;
  if (spec === null) throw new KernelFailure(`rule ${rule.id} has no approval gate`);
  const open = (env.tx.get(K.approvalsOpen) as number | undefined) ?? 0;
  if (open >= KERNEL_LIMITS.pendingApprovalsMax) throw new KernelFailure(`too many pending approval requests (${KERNEL_LIMITS.pendingApprovalsMax})`);
  if (env.tx.get(K.approval(requestId)) !== undefined) throw new KernelFailure(`approval request ${requestId} already exists`);
  const expiresAt = env.height + spec.expiresAfterHeights;
  const req: ApprovalRequest = {
    requestId,
    principal: env.cmd.principal,
    seq: env.cmd.seq,
    type: env.cmd.type,
    // A copy: the request outlives the command object the driver handed in.
    fields: copyFields(env.fields),
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
  env.tx.set(K.approvalsOpen, open + 1);
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

/** Removes a completed request. Its id stays in its expiry bucket; the sweep skips missing ids. */
export function closeRequest(tx: Tx, req: ApprovalRequest): void {
  tx.delete(K.approval(req.requestId));
  tx.set(K.approvalsOpen, ((tx.get(K.approvalsOpen) as number | undefined) ?? 1) - 1);
}

/** At the end of a batch: files the requests opened in it under their expiry heights. */
export function flushExpiries(store: Store, opened: [number, string][]): void {
  if (opened.length === 0) return;
  const byHeight = new Map<number, string[]>();
  for (const [h, id] of opened) (byHeight.get(h) ?? byHeight.set(h, []).get(h)!).push(id);
  const heights = new Set(store.get(K.approvalHeights) as number[]);
  for (const h of [...byHeight.keys()].sort((a, b) => a - b)) {
    const existing = (store.get(K.approvalBucket(h)) as string[] | undefined) ?? [];
    store.set(K.approvalBucket(h), [...existing, ...byHeight.get(h)!]);
    heights.add(h);
  }
  store.set(K.approvalHeights, [...heights].sort((a, b) => a - b));
}

/** At the start of a batch: drops every request that expired before `height`. */
export function sweepExpired(store: Store, height: number): void {
  const heights = (store.get(K.approvalHeights) as number[] | undefined) ?? [];
  let n = 0;
  let open = (store.get(K.approvalsOpen) as number | undefined) ?? 0;
  while (n < heights.length && heights[n] < height) {
    for (const id of (store.get(K.approvalBucket(heights[n])) as string[] | undefined) ?? []) {
      if (store.get(K.approval(id)) !== undefined) {
        store.delete(K.approval(id));
        open--;
      }
    }
    store.delete(K.approvalBucket(heights[n]));
    n++;
  }
  if (n > 0) {
    store.set(K.approvalHeights, heights.slice(n));
    store.set(K.approvalsOpen, open);
  }
}

/** A DENY-class rejection (the approver is not allowed), as opposed to a failure. */
export class NotApprover extends KernelFailure {}
