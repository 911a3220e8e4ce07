// The leader's batching wait (config proposeWaitMs). Under a closed loop a block's replies go out
// together after commit, so the next wave of commands reaches the leader just after it proposed:
// blocks stay small and every block's fixed cost is paid for few commands. A leader that is ready
// to propose while commands are flowing may wait a little for more. Liveness is untouched: the
// wait is bounded (<= baseTimeoutMs / 2, checked in resolveConfig), happens at most once per view,
// never after a TC (the view already failed once), never on an idle chain (nothing in flight: a
// lone command is proposed at once) and never when a lagging proposer needs the chain extended.
// The core reads no clock: it asks the driver for a 'proposeWait' timer and proposes when it fires
// (or earlier, once a full batch is pending).
import type { Out, ReplicaState } from './state.js';
import type { Block, View } from './types.js';

/**
 * True if the leader of `view` should hold its proposal back for now; arms the view's wait timer
 * the first time. `path` = the uncommitted blocks the proposal would extend.
 */
export function holdProposal(s: ReplicaState, view: View, afterTc: boolean, lagged: boolean, path: Block[], out: Out): boolean {
  const waitMs = s.cfg.proposeWaitMs;
  if (waitMs === 0 || afterTc || lagged || s.proposeWaitOver >= view) return false;
  let inFlight = 0;
  for (const b of path) inFlight += b.commands.length;
  if (inFlight === 0) return false;
  // Pending commands not yet in a block: an estimate (mempool.size counts the in-flight commands it
  // holds too), good enough to tell "a full batch is here" without scanning the pool per arrival.
  if (s.mempool.size - inFlight >= s.cfg.maxBatchCommands) return false;
  if (s.proposeWaitArmed < view) {
    s.proposeWaitArmed = view;
    out.push({ type: 'setTimer', view, durationMs: waitMs, kind: 'proposeWait' });
  }
  return true;
}

/** The wait timer of `view` fired: stale views are ignored, else propose with what is pending. */
export function onProposeWaitTimer(s: ReplicaState, view: View): boolean {
  if (view !== s.pm.view || s.proposeWaitArmed !== view) return false;
  s.proposeWaitOver = view;
  return true;
}
