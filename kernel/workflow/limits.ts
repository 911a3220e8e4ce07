// Limits and fuel prices of the workflow engine. Everything has a bound (TigerBeetle style): a
// descriptor or a case that would exceed one is rejected with a clear reason, never truncated.

/** Fuel charged by the engine; the kernel adds these to its own per-command meter. */
export const FUEL = Object.freeze({
  /** Any transition (task completion, instance completion, cancellation). */
  step: 1,
  /** Each token taken from or put on a place. */
  token: 1,
  /** Each token absorbed by a waiting discriminator, or removed by a cancellation. */
  cleanup: 1,
  /**
   * Per 16 marked places of the case: a step copies the case (copy-on-write), so a case with many
   * live places costs more per step; small cases (under 16 marked places) pay nothing extra.
   */
  per16MarkedPlaces: 1,
});

/** Fuel ceiling used when the caller passes none. */
export const DEFAULT_MAX_FUEL = 10_000;

export const LIMITS = Object.freeze({
  /** Tasks plus conditions in one workflow. */
  nodesMax: 512,
  /** Outgoing branches of one node. */
  branchesMax: 64,
  /** Arcs (branches) in one workflow. */
  arcsMax: 2048,
  /** Design-time instance count of a multiple-instance task (WCP13). */
  instancesMax: 1000,
  /** Tokens in one case: bounds state growth of multi-merge and loops. */
  tokensMax: 4096,
  /** Length of an id (task, condition, case). */
  idLengthMax: 128,
});
