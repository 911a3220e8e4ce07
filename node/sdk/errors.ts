// Errors the SDK raises, one class per cause so callers can react (retry, fix, alert).

/** A replica refused the command itself (bad signature, malformed, too large): retrying will not help. */
export class CommandRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandRejectedError';
  }
}

/** No replica produced a receipt within the attempts allowed. The command may still commit later; resubmitting the same (client, seq) is safe. */
export class SubmitTimeoutError extends Error {
  constructor(
    message: string,
    readonly client: string,
    readonly seq: number,
  ) {
    super(message);
    this.name = 'SubmitTimeoutError';
  }
}

/** A replica answered with a receipt that does not verify (wrong command, bad proof, too few signatures). */
export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}
