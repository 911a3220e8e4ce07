// A kernel receipt as plain JSON for people and scripts: byte strings as hex, everything else as
// is. Shared by the SDK and the CLI (`submit`, `verify`); kept apart from the SDK so that offline
// verification does not load the networking stack.
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { Receipt } from '../../kernel/api.js';

/** A receipt as plain JSON (hashes as hex) for printing. */
export function receiptForHumans(r: Receipt): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = toJsonValue(v as CanonicalValue);
  return out;
}

function toJsonValue(v: CanonicalValue): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonValue(x)]));
  return v;
}
