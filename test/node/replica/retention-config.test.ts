// The retention setting in a replica config: default when absent, 0 keeps everything, anything
// that is not a non-negative integer is refused with the field named.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_RETAIN_BLOCKS, loadReplicaConfig } from '../../../node/cluster/config.js';

describe('node/replica retention setting (replica config retainBlocks)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knhk-retain-cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (extra: Record<string, unknown>) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ cluster: 'c.json', id: 0, dataDir: 'db', hybridKeyFile: 'h', voteKeyFile: 'v', libp2pKeyFile: 'l', ...extra }));
    return loadReplicaConfig(file);
  };

  it('defaults to DEFAULT_RETAIN_BLOCKS, takes 0 (keep everything) and positive integers', () => {
    assert.equal(DEFAULT_RETAIN_BLOCKS, 100_000);
    assert.equal(load({}).retainBlocks, DEFAULT_RETAIN_BLOCKS);
    assert.equal(load({ retainBlocks: 0 }).retainBlocks, 0);
    assert.equal(load({ retainBlocks: 5000 }).retainBlocks, 5000);
  });

  it('refuses a negative, fractional or non-numeric value, naming the field', () => {
    for (const bad of [-1, 1.5, '100', null]) {
      assert.throws(() => load({ retainBlocks: bad }), (e: Error) => e instanceof ConfigError && /config\.json\.retainBlocks: must be an integer in \[0, /.test(e.message), String(bad));
    }
  });
});
