// The pacemaker's messages: when a view's timer fires the replica (if the timeout rule allows)
// persists that it left the view, broadcasts a signed timeout with its highest QC, and re-sends it
// on every later firing (lossy links). 2f+1 timeouts of one view form a TC; f+1 of them make a
// replica that has not timed out yet join at once (one honest replica among them saw the view fail).
import { enterView, processQc, processTc, tcValid, verifiedQc } from './certificates.js';
import { afterTimeout, timeoutRule } from './safety-rules.js';
import { timeoutBytes } from './signing.js';
import { persistSafety, type Out, type ReplicaState } from './state.js';
import type { ReplicaId, TimeoutCert, TimeoutMsg, View } from './types.js';

export function onTimer(s: ReplicaState, view: View, out: Out): void {
  if (view !== s.pm.view) return;
  localTimeout(s, out);
  // Re-arm to re-send the timeout later, unless it completed a TC and moved us on.
  if (s.pm.view === view) out.push({ type: 'setTimer', view, durationMs: s.pm.timeoutMs() });
}

/** Time out of the current view (once; later calls re-send the same message). */
export function localTimeout(s: ReplicaState, out: Out): void {
  const view = s.pm.view;
  const lastTc = s.pm.lastTc;
  if (s.ownTimeout !== null && s.ownTimeout.view === view) {
    out.push({ type: 'broadcast', message: { type: 'timeout', timeout: s.ownTimeout, lastTc } });
    return;
  }
  const highQc = s.safety.highQc;
  const verdict = timeoutRule(s.safety, view, highQc.view);
  if (!verdict.ok) throw new Error(`timeout rule refused our own timeout in view ${view}: ${verdict.reason}`);
  s.safety = afterTimeout(s.safety, view);
  persistSafety(s, out);
  const timeout: TimeoutMsg = { view, highQc, voter: s.cfg.self, signature: s.crypto.sign(timeoutBytes(view, highQc.view)) };
  s.ownTimeout = timeout;
  s.pm.timedOut = true;
  out.push({ type: 'broadcast', message: { type: 'timeout', timeout, lastTc } });
  collect(s, timeout, s.cfg.self, out);
}

export function onTimeout(s: ReplicaState, from: ReplicaId, timeout: TimeoutMsg, lastTc: TimeoutCert | null, out: Out): void {
  if (timeout.voter !== from) {
    out.push({ type: 'dropped', from, reason: 'malformed', detail: 'timeout signed for another replica' });
    return;
  }
  if (timeout.highQc.view >= timeout.view) {
    out.push({ type: 'dropped', from, reason: 'malformed', detail: 'highQc not below the timeout view' });
    return;
  }
  // Certificates first: they may bring a lagging replica up to the sender's view.
  if (lastTc !== null && lastTc.view >= s.pm.view) {
    if (!tcValid(s, lastTc)) {
      out.push({ type: 'dropped', from, reason: 'badCertificate', detail: 'lastTc' });
      return;
    }
    processTc(s, lastTc, out);
  }
  if (timeout.view < s.pm.view) {
    out.push({ type: 'dropped', from, reason: 'staleView' });
    return;
  }
  if (timeout.view > s.pm.view + s.cfg.viewWindow) {
    out.push({ type: 'dropped', from, reason: 'futureView' });
    return;
  }
  if (!s.crypto.verify(from, timeoutBytes(timeout.view, timeout.highQc.view), timeout.signature)) {
    out.push({ type: 'dropped', from, reason: 'badSignature' });
    return;
  }
  const highQc = verifiedQc(s, timeout.highQc);
  if (highQc === null) {
    out.push({ type: 'dropped', from, reason: 'badCertificate', detail: 'timeout highQc' });
    return;
  }
  processQc(s, highQc, from, out);
  collect(s, { ...timeout, highQc }, from, out);
}

function collect(s: ReplicaState, timeout: TimeoutMsg, from: ReplicaId, out: Out): void {
  const outcome = s.timeouts.add(timeout);
  switch (outcome.kind) {
    case 'duplicate':
      out.push({ type: 'dropped', from, reason: 'duplicate' });
      return;
    case 'added':
      // Bracha-style join: f+1 timeouts include an honest one, so that view is failing for someone.
      // For a view ahead of ours it is also view synchronisation: without it, replicas left in
      // different views (e.g. restarted ones, which keep no TC) could never gather 2f+1 timeouts
      // of one view (sim seed 52 stalled so).
      if (outcome.count < s.cfg.f + 1) return;
      if (timeout.view > s.pm.view && s.pm.advance(timeout.view, 'join', null)) enterView(s, out);
      if (timeout.view === s.pm.view && !s.pm.timedOut) localTimeout(s, out);
      return;
    case 'certificate':
      processQc(s, outcome.highQc, from, out);
      processTc(s, outcome.tc, out);
      return;
  }
}
