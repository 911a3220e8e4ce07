// What executing one command produced, before it becomes a receipt (apply.ts adds the chain fields).
import type { CanonicalValue } from '../crypto/canonical.js';
import type { Decision, ReceiptResult, Risk } from './types.js';

export interface Outcome {
  decision: Decision;
  risk: Risk;
  ruleId: string | null;
  result: ReceiptResult;
  reason: string | null;
  output: CanonicalValue;
  fuelUsed: number;
  /** The writes that were committed, in order ([] when none). */
  writes: [string, CanonicalValue][];
}

// Shared and frozen: writes are only read (for the effects digest).
const NO_WRITES = Object.freeze([]) as unknown as [string, CanonicalValue][];

/**
 * Every outcome is built here, so all have one object shape (object spreads made several shapes
 * and the spread itself was the costliest line of executing a command).
 */
export function outcome(
  decision: Decision,
  risk: Risk,
  ruleId: string | null,
  result: ReceiptResult,
  reason: string | null,
  output: CanonicalValue,
  fuelUsed: number,
  writes: [string, CanonicalValue][],
): Outcome {
  return { decision, risk, ruleId, result, reason, output, fuelUsed, writes };
}

export function rejected(result: 'denied' | 'failed', ruleId: string, reason: string, fuelUsed = 0): Outcome {
  return outcome('DENY', 'none', ruleId, result, reason, null, fuelUsed, NO_WRITES);
}
