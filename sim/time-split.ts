// Where a run's time goes, for `knhk bench sim` only: milliseconds inside the kernel's applyBatch,
// inside the consensus cores' step(), and inside the wire codec (encode + decode). Whatever the
// run's CPU time has beyond these three is the simulator's own machinery (event queue, network,
// clients, checkers, trace, envelopes). Measured with performance.now() — a getrusage per call cost
// more than 5 % of a run — so on a busy machine the parts include time the thread was preempted.
// Never read by a run: it cannot change any result.
export const timeSplit = { enabled: false, kernelMs: 0, coreMs: 0, codecMs: 0 };

export function resetTimeSplit(enabled: boolean): void {
  timeSplit.enabled = enabled;
  timeSplit.kernelMs = 0;
  timeSplit.coreMs = 0;
  timeSplit.codecMs = 0;
}
