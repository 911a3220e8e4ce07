import assert from 'node:assert/strict';
import { restoreState, snapshotState, stateKeyCount, stateRoot, type KernelState } from '../../../kernel/api.js';
import { SnapshotWriter } from '../../../node/replica/snapshot-writer.js';
import { Chain, Client, kvKernel } from '../../kernel/helpers.js';

describe('snapshot writer (when to snapshot, and without stalling the replica)', () => {
  const c = new Client();
  function grow(chain: Chain, keys: number): void {
    for (let i = 0; i < keys; i += 50) {
      chain.apply(Array.from({ length: Math.min(50, keys - i) }, (_, j) => c.cmd('alice', 'put', { key: `k${chain.height}-${j}`, value: 'v' })));
    }
  }

  function harness(o: { every: number; commandsPerKey: number; chunkEntries: number }) {
    const saved: Array<{ height: number; meta: string; state: Uint8Array }> = [];
    const queued: Array<() => void> = [];
    const errors: Error[] = [];
    const w = new SnapshotWriter<string>({
      ...o,
      save: async (height, meta, state) => void saved.push({ height, meta, state }),
      onError: (e) => errors.push(e),
      later: (fn) => queued.push(fn),
    });
    const runLater = () => {
      let turns = 0;
      while (queued.length > 0) {
        queued.shift()!();
        turns++;
      }
      return turns;
    };
    return { w, saved, errors, runLater };
  }

  it('a small state is snapshotted at every multiple of `every`, in the same turn', () => {
    const chain = new Chain(kvKernel());
    grow(chain, 20);
    const h = harness({ every: 5, commandsPerKey: 1, chunkEntries: 1000 });
    for (let height = 1; height <= 12; height++) h.w.afterBlock(height, 1, chain.state, () => `m${height}`);
    assert.deepEqual(h.saved.map((s) => s.height), [5, 10]);
    assert.deepEqual(h.saved[0].state, snapshotState(chain.state));
    assert.equal(h.saved[1].meta, 'm10');
  });

  it('a large state waits until as many commands as it has keys executed since the last snapshot', () => {
    const chain = new Chain(kvKernel());
    grow(chain, 300);
    const h = harness({ every: 10, commandsPerKey: 1, chunkEntries: 50 });
    let height = 0;
    const block = (commands: number) => {
      height++;
      h.w.afterBlock(height, commands, chain.state, () => `m${height}`);
      h.runLater();
    };
    // A block of keys/9 commands: 9 blocks are not enough, 10 are, so the first multiple of 10 due
    // is height 10; afterwards only 50 commands by height 20 (not due), and enough by height 50.
    const keys = stateKeyCount(chain.state);
    assert.ok(keys > 300 && keys < 330, `${keys} keys`);
    for (let i = 0; i < 10; i++) block(Math.ceil(keys / 9));
    assert.deepEqual(h.saved.map((s) => s.height), [10]);
    for (let i = 0; i < 10; i++) block(5); // 50 commands by height 20: not due
    for (let i = 0; i < 30; i++) block(10); // 350 more by height 50
    assert.deepEqual(h.saved.map((s) => s.height), [10, 50]);
    assert.equal(h.errors.length, 0);
  });

  it('encodes a large state over several turns and saves the state captured at its height', () => {
    const chain = new Chain(kvKernel());
    grow(chain, 400);
    const expected = snapshotState(chain.state);
    const root = stateRoot(chain.state);
    const h = harness({ every: 1, commandsPerKey: 0, chunkEntries: 64 });
    h.w.afterBlock(1, 1, chain.state, () => 'at-1');
    assert.equal(h.saved.length, 0, 'nothing saved in the same turn');
    assert.equal(h.w.busy, true);
    // Blocks keep executing meanwhile; one due while encoding is skipped, not queued.
    grow(chain, 10);
    h.w.afterBlock(2, 10, chain.state, () => 'at-2');
    const turns = h.runLater();
    assert.ok(turns >= Math.floor(400 / 64) - 1, `encoded over ${turns} turns`);
    assert.deepEqual(h.saved.map((s) => s.meta), ['at-1']);
    assert.deepEqual(h.saved[0].state, expected);
    assert.deepEqual(stateRoot(restoreState(h.saved[0].state) as KernelState), root);
    assert.equal(h.w.busy, false);
  });

  it('cancel() drops an encoding in progress (catch-up installed newer state) and later snapshots still come', () => {
    const chain = new Chain(kvKernel());
    grow(chain, 200);
    const h = harness({ every: 1, commandsPerKey: 0, chunkEntries: 16 });
    h.w.afterBlock(1, 1, chain.state, () => 'stale');
    h.w.cancel();
    h.runLater();
    assert.equal(h.saved.length, 0);
    assert.equal(h.w.busy, false);
    h.w.afterBlock(2, 1, chain.state, () => 'fresh');
    h.runLater();
    assert.deepEqual(h.saved.map((s) => s.meta), ['fresh']);
  });

  it('stop() abandons an encoding in progress', () => {
    const chain = new Chain(kvKernel());
    grow(chain, 200);
    const h = harness({ every: 1, commandsPerKey: 0, chunkEntries: 16 });
    h.w.afterBlock(1, 1, chain.state, () => 'x');
    h.w.stop();
    h.runLater();
    assert.equal(h.saved.length, 0);
    h.w.afterBlock(2, 1, chain.state, () => 'y');
    h.runLater();
    assert.equal(h.saved.length, 0);
  });
});
