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

export function rejected(result: 'denied' | 'failed', ruleId: string, reason: string, fuelUsed = 0): Outcome {
  return { decision: 'DENY', risk: 'none', ruleId, result, reason, output: null, fuelUsed, writes: [] };
}
