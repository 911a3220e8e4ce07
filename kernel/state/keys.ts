// The key layout of kernel state: one short prefix per kind of entry, so namespaces never collide.
// State names, limit names and principal ids may not contain '/', so `u/<name>/<mapKey>` is unique.
// The per-principal keys are looked up for every command (p/<id> and s/<id>). Built by
// concatenation each time, each lookup would hash a new string; interned here, a principal string
// met again (the same decoded command on every replica, a client's next command) finds its keys
// by one lookup and the store's map sees the same string objects it holds. Bounded: the cache is
// dropped when it grows large (results never depend on it).
const principalKeys = new Map<string, { entry: string; lastSeq: string }>();
const PRINCIPAL_KEYS_MAX = 1 << 16;

function keysOf(id: string): { entry: string; lastSeq: string } {
  let k = principalKeys.get(id);
  if (k === undefined) {
    if (principalKeys.size >= PRINCIPAL_KEYS_MAX) principalKeys.clear();
    k = { entry: `p/${id}`, lastSeq: `s/${id}` };
    principalKeys.set(id, k);
  }
  return k;
}

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
  principal: (id: string) => keysOf(id).entry,
  lastSeq: (id: string) => keysOf(id).lastSeq,
  approval: (requestId: string) => `a/${requestId}`,
  scalar: (name: string) => `u/${name}`,
  mapEntry: (name: string, key: string) => `u/${name}/${key}`,
  limit: (name: string, scope: string) => `l/${name}/${scope}`,
  workflowCase: (caseId: string) => `w/${caseId}`,
} as const;
