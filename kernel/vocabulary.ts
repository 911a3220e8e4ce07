// The closed vocabularies of decisions, risk levels and receipt results, in one place.
import type { Decision, ReceiptResult, Risk } from './types.js';

export const DECISIONS: readonly Decision[] = ['ALLOW', 'DENY', 'REQUIRE_APPROVAL'];
export const RISKS: readonly Risk[] = ['none', 'low', 'medium', 'high', 'critical'];
export const RESULTS: readonly ReceiptResult[] = ['ok', 'denied', 'pending', 'failed'];
