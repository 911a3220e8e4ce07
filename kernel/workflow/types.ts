// Types of the workflow engine: the compiled net (built once by compile.ts, read-only afterwards) and
// the case state (plain data that the kernel canonical-encodes into its state root).
//
// Case state uses `type` aliases, not interfaces, so it is assignable to crypto/canonical.ts's
// CanonicalValue (an index-signature type). It holds only strings, safe integers, arrays and objects.

/** How a task waits for its incoming places (YAWL join types plus the structured discriminator). */
export type JoinKind = 'xor' | 'and' | 'or' | 'discriminator';
/** How a task hands its token to its outgoing branches. */
export type SplitKind = 'and' | 'xor' | 'or';

/** One outgoing branch of a task: the node it leads to and the place the token lands in. */
export interface CompiledBranch {
  /** Target node id (a task or a condition), as written in the descriptor. */
  readonly to: string;
  /** Place that receives the token: the condition id, or the implicit place `from->to`. */
  readonly place: string;
  /** Taken by an XOR/OR split when the caller supplies no choices. */
  readonly isDefault: boolean;
}

export interface CompiledTask {
  readonly id: string;
  readonly join: JoinKind;
  readonly split: SplitKind;
  /** Input places, sorted by id. */
  readonly inputs: readonly string[];
  /** Outgoing branches, in descriptor order (choices name them by `to`). */
  readonly branches: readonly CompiledBranch[];
  /** WCP18: the task is enabled only while this condition holds a token (not consumed). */
  readonly milestone: string | null;
  /** WCP13: number of instances (design-time count); 1 for an ordinary task. */
  readonly instances: number;
  /** WCP19/20 inside the net: places emptied and tasks withdrawn when this task completes. */
  readonly cancelPlaces: readonly string[];
  readonly cancelTasks: readonly string[];
  /** For an OR-split: the OR-join it is paired with (structured synchronizing merge), else null. */
  readonly pairedJoin: string | null;
}

export interface CompiledWorkflow {
  readonly name: string;
  /** Start and end conditions. */
  readonly start: string;
  readonly end: string;
  /** Every place (explicit conditions and implicit task->task places), sorted. */
  readonly places: readonly string[];
  /** Explicit condition ids, sorted. */
  readonly conditions: readonly string[];
  /** Task ids, sorted: the iteration order everywhere. */
  readonly taskIds: readonly string[];
  readonly tasks: Readonly<Record<string, CompiledTask>>;
}

export interface WorkflowCompileError {
  /** Where in the descriptor, e.g. `workflows.approval.tasks.review.next[1]`. */
  readonly path: string;
  readonly message: string;
}

export type CompileResult =
  | { ok: true; workflow: CompiledWorkflow }
  | { ok: false; errors: WorkflowCompileError[] };

export type CaseStatus = 'running' | 'completed' | 'cancelled';

/** A running multiple-instance task (WCP13): how many of its instances have completed. */
export type InstanceProgress = { completed: number; total: number };

export type CaseState = {
  id: string;
  workflow: string;
  status: CaseStatus;
  /** Place id -> token count; only places with at least one token appear. */
  marking: { [place: string]: number };
  /** OR-join id -> FIFO of branch counts its paired OR-split activated (structured rule). */
  orJoins: { [join: string]: number[] };
  /** Discriminator id -> input places already arrived since it fired (sorted); absent = armed. */
  discriminators: { [task: string]: string[] };
  /** Multiple-instance task id -> progress, while its instances run. */
  instances: { [task: string]: InstanceProgress };
  /** Number of transitions (task completions and cancellations) so far. */
  steps: number;
};

export type WorkflowEvent =
  | { kind: 'task-completed'; task: string; chosen: string[] }
  | { kind: 'instance-completed'; task: string; instance: number; total: number }
  | { kind: 'task-cancelled'; task: string }
  | { kind: 'tokens-absorbed'; task: string; place: string }
  | { kind: 'region-cancelled'; task: string; places: string[]; tasks: string[] }
  | { kind: 'case-completed' }
  | { kind: 'case-cancelled' };

/** Input of a task completion: for an XOR/OR split, the branches chosen (by target id). */
export type CompleteInput = { choices?: readonly string[] };

export type StepResult =
  | { ok: true; case: CaseState; events: WorkflowEvent[]; fuelUsed: number }
  | { ok: false; reason: string; fuelUsed: number };
