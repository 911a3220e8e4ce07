import assert from 'node:assert/strict';
import { applyBatch, createKernel, forkState, restoreState, snapshotState, StaleStateError, stateRoot } from '../../kernel/api.js';
import { storeOf } from '../../kernel/state/handle.js';
import { encodeSnapshot, SnapshotError } from '../../kernel/state/snapshot.js';
import { bucketOf, BUCKETS, GROUP_SIZE, Store } from '../../kernel/state/store.js';
import { canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { concatByteList, utf8 } from '../../crypto/bytes.js';
import { Tag, hashTagged } from '../../crypto/hash.js';
import { Chain, Client, kvKernel } from './helpers.js';

describe('kernel state', () => {
  it('the root depends on content only, not on the order of writes', () => {
    const a = Store.empty();
    const b = Store.empty();
    const entries = Array.from({ length: 300 }, (_, i) => [`key-${i}`, { n: i, s: `v${i}` }] as const);
    for (const [k, v] of entries) a.set(k, v);
    for (const [k, v] of [...entries].reverse()) b.set(k, v);
    b.set('extra', 1);
    assert.notDeepEqual(a.root(), b.root());
    b.delete('extra');
    assert.deepEqual(a.root(), b.root());
    a.set('key-7', { n: 8, s: 'v7' });
    assert.notDeepEqual(a.root(), b.root(), 'a changed value changes the root');
  });

  it('incremental roots equal roots computed from scratch', () => {
    const inc = Store.empty();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 50; i++) inc.set(`k${(i * 7 + round) % 120}`, round * 1000 + i);
      if (round % 2 === 1) inc.delete(`k${round}`);
      inc.root();
    }
    const fresh = Store.empty();
    for (const k of inc.sortedKeys()) fresh.set(k, inc.get(k) ?? null);
    assert.deepEqual(inc.root(), fresh.root());
  });

  it('snapshot -> restore gives the same root and the same future', () => {
    const c = new Client();
    const chain = new Chain(kvKernel());
    chain.apply([c.cmd('alice', 'put', { key: 'a', value: '1' }), c.cmd('bob', 'put', { key: 'b', value: '2' })]);
    const snap = snapshotState(chain.state);
    const restored = restoreState(snap);
    assert.deepEqual(stateRoot(restored), stateRoot(chain.state));
    const next = [c.cmd('alice', 'get', { key: 'b' })];
    const x = applyBatch(restored, next, { height: 2 });
    const y = applyBatch(chain.state, next, { height: 2 });
    assert.deepEqual(x.stateRoot, y.stateRoot);
    assert.deepEqual(x.receiptBytes, y.receiptBytes);
    assert.equal(x.receipts[0].output, '2');
  });

  it('rejects corrupt or truncated snapshots with SnapshotError', () => {
    const snap = snapshotState(kvKernel());
    const flipped = snap.slice();
    flipped[20] ^= 1;
    assert.throws(() => restoreState(flipped), SnapshotError);
    assert.throws(() => restoreState(snap.subarray(0, snap.length - 5)), SnapshotError);
    assert.throws(() => restoreState(new Uint8Array(10)), SnapshotError);
  });

  it('applyBatch consumes its input state; forkState keeps an independent copy', () => {
    const s0 = kvKernel();
    const kept = forkState(s0);
    const rootBefore = stateRoot(kept);
    const r = applyBatch(s0, [{ principal: 'alice', seq: 1, type: 'put', fields: { key: 'a', value: '1' } }], { height: 1 });
    assert.throws(() => stateRoot(s0), StaleStateError);
    assert.throws(() => applyBatch(s0, [], { height: 2 }), StaleStateError);
    assert.deepEqual(stateRoot(kept), rootBefore, 'the fork did not see the batch');
    assert.notDeepEqual(r.stateRoot, rootBefore);
  });

  it('a non-increasing height is a driver error: it throws before consuming the state', () => {
    const c = new Client();
    const chain = new Chain(kvKernel());
    chain.apply([c.cmd('alice', 'put', { key: 'a', value: '1' })], 5);
    assert.throws(() => applyBatch(chain.state, [], { height: 5 }), /above the last applied height 5/);
    assert.doesNotThrow(() => stateRoot(chain.state));
    assert.equal(chain.apply([], 6).receipts.length, 0);
  });
});

/** The state root exactly as docs/kernel.md states it, from scratch, with general-purpose code only. */
function referenceRoot(entries: [string, CanonicalValue][]): Uint8Array {
  const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  const buckets: [string, Uint8Array][][] = Array.from({ length: BUCKETS }, () => []);
  for (const [k, v] of entries) {
    const kb = utf8(k);
    buckets[bucketOf(k)].push([k, hashTagged(Tag.stateLeaf, u32(kb.length), kb, canonicalEncode(v))]);
  }
  const bucketHashes = buckets.map((b) => {
    b.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    if (b.length === 0) return hashTagged(Tag.stateBucket);
    if (b.length === 1) return b[0][1];
    return hashTagged(Tag.stateBucket, ...b.map((x) => x[1]));
  });
  const groups: Uint8Array[] = [];
  for (let g = 0; g < BUCKETS / GROUP_SIZE; g++) groups.push(hashTagged(Tag.stateGroup, concatByteList(bucketHashes.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE))));
  return hashTagged(Tag.stateRoot, u32(BUCKETS), u32(GROUP_SIZE), ...groups);
}

describe('kernel state root: the documented construction', () => {
  it('equals a from-scratch reference (empty, one-key and crowded buckets, unicode keys, deletes)', () => {
    const s = Store.empty();
    assert.deepEqual(s.root(), referenceRoot([]));
    const crowded: string[] = [];
    for (let i = 0; crowded.length < 5; i++) if (bucketOf(`c/${i}`) === 99) crowded.push(`c/${i}`);
    const entries = new Map<string, CanonicalValue>();
    const put = (k: string, v: CanonicalValue) => (entries.set(k, v), s.set(k, v));
    put('m/tip', { height: 7, count: 2, head: new Uint8Array(32) });
    put('u/kv/é☃', 'snow');
    for (const [i, k] of crowded.entries()) put(k, { i, b: new Uint8Array([i]) });
    for (let i = 0; i < 500; i++) put(`k${i}`, i % 3 === 0 ? null : [i, `v${i}`]);
    assert.deepEqual(s.root(), referenceRoot([...entries]));
    for (let i = 0; i < 500; i += 7) (entries.delete(`k${i}`), s.delete(`k${i}`));
    entries.delete(crowded[2]), s.delete(crowded[2]);
    put('k1', 'changed');
    assert.deepEqual(s.root(), referenceRoot([...entries]));
  });
});

describe('kernel state root: buckets moving between zero, one and more keys', () => {
  it('matches the reference after random sets, deletes, re-adds, roots taken at random times and forks', () => {
    // Three keys in each of 20 buckets: writes keep moving buckets across 0, 1, 2 and 3 keys.
    const byBucket = new Map<number, string[]>();
    for (let i = 0; byBucket.size < 20 || [...byBucket.values()].some((k) => k.length < 3); i++) {
      const k = `t/${i}`;
      const b = bucketOf(k);
      const list = byBucket.get(b) ?? (byBucket.size < 20 ? [] : undefined);
      if (list !== undefined && list.length < 3) byBucket.set(b, [...list, k]);
    }
    const keys = [...byBucket.values()].flat();
    let rnd = 99;
    const next = (n: number) => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) % n);
    const s = Store.empty();
    const live = new Map<string, CanonicalValue>();
    let fork: { store: Store; entries: [string, CanonicalValue][] } | null = null;
    for (let step = 0; step < 3000; step++) {
      const k = keys[next(keys.length)];
      if (next(3) === 0) (s.delete(k), live.delete(k));
      else {
        const v = next(4) === 0 ? null : `v${step}`;
        s.set(k, v);
        live.set(k, v);
      }
      if (next(7) === 0) assert.deepEqual(s.root(), referenceRoot([...live]), `step ${step}`);
      if (step === 1500) fork = { store: s.fork(), entries: [...live] };
    }
    assert.deepEqual(s.root(), referenceRoot([...live]));
    const f = fork as { store: Store; entries: [string, CanonicalValue][] };
    assert.deepEqual(f.store.root(), referenceRoot(f.entries), 'the fork kept its own slots');
  });
});

describe('kernel state: per-bucket leaf slots', () => {
  it('inserts, deletes, re-adds and forks inside shared buckets keep roots equal to a fresh build', () => {
    // Keys of a few buckets only, so inserts and deletes shift slots inside the same leaf arrays.
    const keys: string[] = [];
    for (let i = 0; keys.length < 60; i++) if (bucketOf(`k/${i}`) % 512 === 3) keys.push(`k/${i}`);
    let rnd = 12345;
    const next = () => (rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) % 1000;
    const a = Store.empty();
    let forked: Store | null = null;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 10; i++) {
        const k = keys[next() % keys.length];
        if (next() < 300) a.delete(k);
        else a.set(k, next());
      }
      const k = keys[round % keys.length];
      a.delete(k); // deleted and re-added before the root is taken
      a.set(k, round);
      if (round % 3 === 0) a.root();
      if (round === 20) forked = a.fork();
    }
    const fresh = Store.empty();
    for (const k of a.sortedKeys()) fresh.set(k, a.get(k) ?? null);
    assert.deepEqual(a.root(), fresh.root());
    // The fork took its own copies of the leaf arrays: writing to `a` afterwards left it alone.
    const f = forked as Store;
    const freshF = Store.empty();
    for (const k of f.sortedKeys()) freshF.set(k, f.get(k) ?? null);
    assert.deepEqual(f.root(), freshF.root());
    assert.notDeepEqual(f.root(), a.root());
  });
});

describe('kernel state under a crowded bucket', () => {
  it('keeps roots correct when many keys collide in one bucket', function () {
    this.timeout(20_000);
    const keys: string[] = [];
    for (let i = 0; keys.length < 1500; i++) if (bucketOf(`u/kv/${i}`) === 7) keys.push(`u/kv/${i}`);
    const a = Store.empty();
    const b = Store.empty();
    keys.forEach((k, i) => a.set(k, i));
    [...keys].reverse().forEach((k) => b.set(k, keys.indexOf(k)));
    assert.deepEqual(a.root(), b.root());
    a.set(keys[700], -1);
    assert.notDeepEqual(a.root(), b.root());
    a.delete(keys[700]);
    b.delete(keys[700]);
    assert.deepEqual(a.root(), b.root());
  });
});

describe('kernel state is isolated from caller objects', () => {
  it('mutating a command, the genesis descriptor or a receipt output afterwards changes nothing', () => {
    const descriptor = {
      knhk: 'descriptor/v1', name: 'blob', version: 1,
      state: { blobs: { type: 'map', value: 'bytes' } },
      commands: {
        put: { fields: { key: 'string', data: 'bytes' }, effects: [{ set: 'blobs', key: { field: 'key' }, value: { field: 'data' } }] },
        get: { fields: { key: 'string' }, output: { state: 'blobs', key: { field: 'key' } } },
      },
      rules: [{ id: 'all', when: true, decision: 'ALLOW' }],
    } as Record<string, any>;
    const genesis = { chainId: 'iso', admins: ['a'], adminThreshold: 1, descriptor, principals: { p: { commands: ['put', 'get'] } } };
    const data = new Uint8Array([1, 2, 3]);
    const chain = new Chain(createKernel(genesis));
    chain.apply([{ principal: 'p', seq: 1, type: 'put', fields: { key: 'k', data } }]);
    const root = stateRoot(chain.state);
    data[0] = 99;
    descriptor.rules[0].decision = 'DENY';
    assert.deepEqual(stateRoot(chain.state), root);
    const r = chain.apply([{ principal: 'p', seq: 2, type: 'get', fields: { key: 'k' } }]);
    assert.deepEqual(r.receipts[0].output, new Uint8Array([1, 2, 3]));
    (r.receipts[0].output as Uint8Array)[1] = 77;
    const again = chain.apply([{ principal: 'p', seq: 3, type: 'get', fields: { key: 'k' } }]);
    assert.deepEqual(again.receipts[0].output, new Uint8Array([1, 2, 3]));
    // The snapshot encodes the stored values now; had they been mutated, its root would differ from the cached one.
    assert.deepEqual(stateRoot(restoreState(snapshotState(chain.state))), stateRoot(chain.state));
  });
});

describe('restoring hostile snapshots', () => {
  it('refuses well-formed snapshots of unusable states with SnapshotError', () => {
    const good = kvKernel();
    const { store } = storeOf(good);
    const cases: [string, (s: Store) => void][] = [
      ['head', (s) => s.set('m/tip', { height: 0, count: 0, head: 'x' })],
      ['height', (s) => s.set('m/tip', { height: -1, count: 0, head: new Uint8Array(32) })],
      ['tip extra key', (s) => s.set('m/tip', { height: 0, count: 0, head: new Uint8Array(32), x: 1 })],
      ['no tip', (s) => s.delete('m/tip')],
      ['admins', (s) => s.set('g/admins', [])],
      ['threshold', (s) => s.set('g/threshold', 9)],
      ['active descriptor', (s) => s.set('g/active', 7)],
      ['descriptor source', (s) => s.set('g/d/1', { hash: new Uint8Array(32), source: { knhk: 'nope' }, installedAt: 0 })],
      ['approval index', (s) => s.set('a:heights', [5])],
      ['pending swap', (s) => s.set('g/pending', { version: 4, atHeight: 2, action: 'swap' })],
    ];
    for (const [what, spoil] of cases) {
      const copy = store.fork();
      spoil(copy);
      assert.throws(() => restoreState(encodeSnapshot(copy)), SnapshotError, what);
    }
    assert.doesNotThrow(() => restoreState(encodeSnapshot(store.fork())));
  });
});
