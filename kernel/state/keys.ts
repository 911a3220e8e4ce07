// The key layout of kernel state: one short prefix per kind of entry, so namespaces never collide.
// State names, limit names and principal ids may not contain '/', so `u/<name>/<mapKey>` is unique.
export const K = {
  /**
   * The chain tip, { height, count, head }: height of the last applied batch (int), receipts
   * issued so far (int, = the next receipt's index), hash of the last receipt (bytes; 32 zero
   * bytes before the first). One key, not three, because every batch writes all three: each
   * written key costs a state leaf and a group hash in the state root.
   */
  tip: 'm/tip',
  chainId: 'm/chain',
  /** Sorted admin key ids (list of strings) and the m-of-n threshold (int). */
  admins: 'g/admins',
  adminThreshold: 'g/threshold',
  /** Version number of the active descriptor (int). */
  activeVersion: 'g/active',
  /** Highest installed version (int). */
  latestVersion: 'g/latest',
  /** null or { version, atHeight, action }: a swap/rollback waiting for its height. */
  pendingSwap: 'g/pending',
  /** List of { height, action, version } governance events, oldest first. */
  history: 'g/history',
  /** Sorted distinct heights at which approval requests expire (each has a bucket below). */
  approvalHeights: 'a:heights',
  /** Number of open approval requests (int). */
  approvalsOpen: 'a:open',
  /** Ids of the requests that expire after height h, in the order they were opened. */
  approvalBucket: (h: number) => `a:exp/${h}`,
  descriptor: (version: number) => `g/d/${version}`,
  principal: (id: string) => `p/${id}`,
  lastSeq: (id: string) => `s/${id}`,
  approval: (requestId: string) => `a/${requestId}`,
  scalar: (name: string) => `u/${name}`,
  mapEntry: (name: string, key: string) => `u/${name}/${key}`,
  limit: (name: string, scope: string) => `l/${name}/${scope}`,
  workflowCase: (caseId: string) => `w/${caseId}`,
} as const;
