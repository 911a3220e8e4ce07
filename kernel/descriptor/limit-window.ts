// Rate limits: "at most `max` per window of `windowHeights` heights", per principal or global.
// Windows are fixed (window = floor(height / windowHeights)), so the count is O(1) state per scope.
import { K } from '../state/keys.js';
import type { Env, LimitDecl } from './compiled.js';

function limitKey(env: Env, name: string, limit: LimitDecl): string {
  return K.limit(name, limit.per === 'principal' ? env.cmd.principal : '*');
}

/** How many times the limit was consumed in the current window. */
export function limitCount(env: Env, name: string, limit: LimitDecl): number {
  const entry = env.tx.get(limitKey(env, name, limit));
  const window = Math.floor(env.height / limit.windowHeights);
  if (!Array.isArray(entry) || entry[0] !== window) return 0;
  return entry[1] as number;
}

/** Counts one use; false (and no write) when the window is already full. */
export function consumeLimit(env: Env, name: string, limit: LimitDecl): boolean {
  const used = limitCount(env, name, limit);
  if (used >= limit.max) return false;
  env.tx.set(limitKey(env, name, limit), [Math.floor(env.height / limit.windowHeights), used + 1]);
  return true;
}
