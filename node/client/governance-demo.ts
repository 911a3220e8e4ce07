// The governance walk-through `knhk demo` (= `npm start`) runs against a live cluster: AI agents
// ask to act, the kernel decides (ALLOW / DENY / REQUIRE_APPROVAL), approvers complete a high-risk
// request, and every decision is printed with its receipt after the SDK verified it (inclusion
// proof + f+1 validators' hybrid signatures). Each receipt bundle is saved for `knhk verify`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { ClusterFile } from '../cluster/config.js';
import { ClientTransport } from './transport.js';
import { verifyReceiptBundle } from './verify.js';
import { bundleFromJson } from './bundle.js';
import { Client, type VerifiedReceipt } from '../sdk/client.js';

export interface DemoStep {
  actor: string;
  says: string;
  type: string;
  decision: string;
  result: string;
  ruleId: string | null;
  reason: string | null;
  height: number;
  index: number;
  signers: number[];
  bundleFile: string;
}

interface Actor {
  name: string;
  client: Client;
}

/** Key file of generated client j in a testnet folder (node/cluster/testnet.ts layout). */
export function clientKeyFile(dir: string, j: number): string {
  return join(dir, 'clients', `client-${j}.key.json`);
}

export async function runGovernanceDemo(opts: { cluster: ClusterFile; dir: string; out(text: string): void; timeoutMs?: number }): Promise<DemoStep[]> {
  const receiptsDir = join(opts.dir, 'receipts');
  mkdirSync(receiptsDir, { recursive: true });
  const transport = await ClientTransport.create(opts.cluster);
  const make = (name: string, j: number): Actor => ({
    name,
    client: new Client({ cluster: opts.cluster, key: clientKeyFile(opts.dir, j), transport, timeoutMs: opts.timeoutMs ?? 15_000 }),
  });
  // Roles from testnet: client-0 operator, client-1/2/3 approvers (2 of 3 needed), client-4.. agents.
  const operator = make('operator (client-0)', 0);
  const alice = make('approver alice (client-1)', 1);
  const bob = make('approver bob (client-2)', 2);
  const agent = make('agent-7 (client-4)', 4);
  const rogue = make('agent-9 (client-5)', 5);
  const steps: DemoStep[] = [];

  const step = async (who: Actor, says: string, type: string, fields: Record<string, CanonicalValue>): Promise<VerifiedReceipt> => {
    const r = await who.client.submit(type, fields);
    const x = r.receipt;
    const bundleFile = join(receiptsDir, `receipt-${String(x.index).padStart(4, '0')}.json`);
    writeFileSync(bundleFile, JSON.stringify(Client.bundleJson(r), null, 2) + '\n');
    const why = x.reason ? ` — ${x.reason}` : '';
    const rule = x.ruleId ? `, rule ${x.ruleId}` : '';
    opts.out(
      `\n▶ ${who.name}: ${says}\n` +
        `  ${x.decision.padEnd(16)} result ${x.result}, risk ${x.risk}${rule}${why}\n` +
        `  receipt #${x.index} at height ${x.height} — verified: inclusion proof + hybrid signatures of validators ${r.signers.join(', ')} → ${bundleFile}\n`,
    );
    steps.push({ actor: who.name, says, type, decision: x.decision, result: x.result, ruleId: x.ruleId, reason: x.reason, height: x.height, index: x.index, signers: r.signers, bundleFile });
    return r;
  };

  try {
    opts.out('knhk governance demo: agents ask, the replicated kernel decides, every answer is a verified receipt.\n');
    await step(agent, 'read docs/handbook', 'act', { action: 'read', resource: 'docs/handbook' });
    const pending = await step(agent, 'transfer 50,000 from payments/acct-7', 'act', { action: 'transfer', resource: 'payments/acct-7', amount: 50_000 });
    const requestId = requestIdOf(pending.receipt.output);
    if (requestId !== null) {
      await step(alice, `approve request ${requestId.slice(0, 12)}…`, 'approve', { requestId });
      await step(rogue, `approve the same request (not an approver)`, 'approve', { requestId });
      await step(bob, `approve request ${requestId.slice(0, 12)}… (2 of 3 approvers: the transfer executes)`, 'approve', { requestId });
    } else opts.out('  (the transfer did not open an approval request; skipping approvals)\n');
    await step(agent, 'delete prod/customer-db', 'act', { action: 'delete', resource: 'prod/customer-db' });
    await step(operator, 'freeze payments/acct-7', 'freeze', { resource: 'payments/acct-7' });
    await step(agent, 'write payments/acct-7 (frozen)', 'act', { action: 'write', resource: 'payments/acct-7' });
    // Leave the cluster as we found it, so the demo can run again against the same cluster.
    await step(operator, 'unfreeze payments/acct-7', 'unfreeze', { resource: 'payments/acct-7' });

    // Offline check of a saved receipt, exactly what `knhk verify` does.
    const last = steps[steps.length - 1];
    const v = verifyReceiptBundle(bundleFromJson(JSON.parse(readFileSync(last.bundleFile, 'utf8'))), opts.cluster);
    opts.out(`\nOffline re-verification of ${last.bundleFile}: ${v.ok ? 'VALID' : `INVALID (${v.reason})`}\n`);
    if (!v.ok) throw new Error(`saved receipt does not verify: ${v.reason}`);
  } finally {
    for (const a of [operator, alice, bob, agent, rogue]) await a.client.close();
    await transport.close();
  }
  return steps;
}

function requestIdOf(output: CanonicalValue): string | null {
  if (output !== null && typeof output === 'object' && !Array.isArray(output) && !(output instanceof Uint8Array)) {
    const id = (output as Record<string, CanonicalValue>).requestId;
    if (typeof id === 'string') return id;
  }
  return null;
}
