// Bounds on everything the kernel accepts (TigerBeetle style: a limit on every size). A command
// beyond one gets a `failed` receipt naming the limit; a descriptor beyond one is a compile error.
export const KERNEL_LIMITS = Object.freeze({
  /** Length of a principal id or a signer id (hex key ids are 64). */
  principalLengthMax: 256,
  /** Length of a command type name. */
  typeLengthMax: 64,
  /** Fields in one command. */
  fieldsMax: 64,
  /** Default maxLength of a string/bytes field that declares none. */
  fieldLengthDefault: 1024,
  /** Hard ceiling for any declared field maxLength. */
  fieldLengthMax: 64 * 1024,
  /** Extra signers on one command. */
  signersMax: 64,
  /** Encoded size of one command (a descriptor install is the largest). */
  commandBytesMax: 512 * 1024,
  /** Fuel budget a descriptor may give one command type. */
  fuelMax: 1_000_000,
  /** Fuel budget when a command type declares none. */
  fuelDefault: 1000,
  /** Rules in one descriptor. */
  rulesMax: 1024,
  /** Nesting depth of one guard or expression. */
  exprDepthMax: 32,
  /** Identifier length (rule ids, state names, field names, limit names). */
  nameLengthMax: 64,
  /** Length of a map key written to state. */
  stateKeyLengthMax: 1024,
  /** Pending approval requests at once. */
  pendingApprovalsMax: 10_000,
});

/** Fixed fuel prices, so fuel used is the same on every machine. */
export const FUEL_PRICE = Object.freeze({
  /** Each guard node or expression node evaluated. */
  node: 1,
  /** Each state read. */
  read: 2,
  /** Each state write. */
  write: 5,
  /** Validating one field. */
  field: 1,
});
