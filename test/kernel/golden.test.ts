// Golden transcript: a scripted governance scenario whose every receipt and root is written out as
// text and compared with the committed file. A change in any byte (receipt format, hashing, state
// root layout, fuel prices, decisions) shows up as a readable diff; the same file must match on
// every machine. Regenerate deliberately with KNHK_UPDATE_GOLDEN=1.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { toHex } from '../../crypto/bytes.js';
import { receiptHash, type ApplyResult } from '../../kernel/api.js';
import { Chain, Client, governanceKernel } from './helpers.js';

const FILE = new URL('./golden/governance-scenario.txt', import.meta.url);

function transcript(): string {
  const c = new Client();
  const chain = new Chain(governanceKernel());
  const lines: string[] = [];
  const log = (r: ApplyResult) => {
    r.receipts.forEach((x, i) => {
      const out = JSON.stringify(x.output, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v));
      lines.push(`h${x.height} #${x.index} ${x.principal}/${x.seq} ${x.type} -> ${x.result} ${x.decision} ${x.risk} ${x.ruleId ?? '-'} fuel=${x.fuelUsed}` +
        `${x.reason === null ? '' : ` reason="${x.reason}"`} out=${out} receipt=${toHex(receiptHash(r.receiptBytes[i])).slice(0, 16)}`);
    });
    lines.push(`h${chain.height} receiptsRoot=${toHex(r.receiptsRoot)} stateRoot=${toHex(r.stateRoot)}`);
  };
  const first = chain.apply([
    c.cmd('agent', 'act', { action: 'read', resource: 'dev/db' }),
    c.cmd('agent', 'act', { action: 'delete', resource: 'prod/db' }),
    c.cmd('agent', 'act', { action: 'transfer', resource: 'acct/7', amount: 25_000 }),
    c.cmd('mallory', 'act', { action: 'read', resource: 'dev/db' }),
    c.cmd('op', 'freeze', { resource: 'dev/cache' }),
    c.cmd('agent2', 'act', { action: 'write', resource: 'dev/cache' }),
    c.cmd('agent2', 'act', { action: 'launch', resource: 'dev/cache' }),
  ]);
  log(first);
  const requestId = (first.receipts[2].output as { requestId: string }).requestId;
  log(chain.apply([c.cmd('ann', 'approve', { requestId }), c.cmd('agent', 'approve', { requestId }), c.cmd('ben', 'approve', { requestId })]));
  log(chain.apply([c.cmd('op', 'unfreeze', { resource: 'dev/cache' }), c.cmd('agent2', 'act', { action: 'write', resource: 'dev/cache' })]));
  return lines.join('\n') + '\n';
}

describe('kernel golden transcript', () => {
  it('the governance scenario produces exactly the committed receipts and roots', () => {
    const now = transcript();
    if (process.env.KNHK_UPDATE_GOLDEN === '1') writeFileSync(FILE, now);
    assert.equal(now, readFileSync(FILE, 'utf8'));
  });
});
