// The workloads a run can drive, each mapped onto registers so the history is checkable:
//   kv          kernel/examples/kv.json — put {key, value} / get {key}; gets are ordered through
//               consensus and return the value read (the default).
//   governance  kernel/examples/governance.json — operators freeze/unfreeze resources (writes of the
//               register frozen[resource]); agents ask to `act` on a resource (a read of it: the
//               policy's deny-frozen rule refuses a frozen one, allow-low-risk lets the rest through).
import { readFileSync } from 'node:fs';
import type { CanonicalValue } from '../crypto/canonical.js';
import type { OpDraw, Workload } from './clients.js';

export const workloadNames = ['kv', 'governance'] as const;
export type WorkloadName = (typeof workloadNames)[number];

const descriptors = new Map<string, CanonicalValue>();
function descriptor(file: string): CanonicalValue {
  let d = descriptors.get(file);
  if (d === undefined) descriptors.set(file, (d = JSON.parse(readFileSync(new URL(`../kernel/examples/${file}`, import.meta.url), 'utf8')) as CanonicalValue));
  return d;
}

export function kvWorkload(keyCount: number): Workload {
  const keys = Array.from({ length: keyCount }, (_, i) => `k${i}`);
  return {
    name: 'kv',
    descriptor: descriptor('kv.json'),
    principal: { commands: ['*'] },
    nextOp(prng, client, seq): OpDraw {
      const key = prng.pick(keys);
      if (prng.chance(0.5)) {
        // Unique values make a stale or invented read unambiguous in the history.
        const value = `${client}.${seq}`;
        return { op: 'put', key, value, type: 'put', fields: { key, value } };
      }
      return { op: 'get', key, value: null, type: 'get', fields: { key } };
    },
    resultOf(receipt) {
      if (receipt.result !== 'ok') return `!${receipt.result}`;
      if (receipt.type === 'put') return 'ok';
      return typeof receipt.output === 'string' ? receipt.output : null;
    },
  };
}

export const FROZEN = 'frozen';

export function governanceWorkload(resourceCount: number): Workload {
  const resources = Array.from({ length: resourceCount }, (_, i) => `svc/r${i}`);
  return {
    name: 'governance',
    descriptor: descriptor('governance.json'),
    // Every client is an operator (may freeze) and an agent (may act).
    principal: { commands: ['*'], roles: ['operator'] },
    nextOp(prng): OpDraw {
      const resource = prng.pick(resources);
      const r = prng.next();
      if (r < 0.25) return { op: 'put', key: resource, value: FROZEN, type: 'freeze', fields: { resource } };
      if (r < 0.5) return { op: 'put', key: resource, value: null, type: 'unfreeze', fields: { resource } };
      return { op: 'get', key: resource, value: null, type: 'act', fields: { action: 'read', resource } };
    },
    resultOf(receipt) {
      if (receipt.type === 'freeze' || receipt.type === 'unfreeze') return receipt.result === 'ok' ? 'ok' : `!${receipt.result}`;
      if (receipt.decision === 'ALLOW' && receipt.result === 'ok') return null; // not frozen
      if (receipt.decision === 'DENY' && receipt.ruleId === 'deny-frozen') return FROZEN;
      return `!${receipt.ruleId ?? receipt.result}`; // e.g. the rate limit: says nothing about `frozen`
    },
  };
}

export function workloadFor(name: WorkloadName, keys: number): Workload {
  return name === 'governance' ? governanceWorkload(keys) : kvWorkload(keys);
}
