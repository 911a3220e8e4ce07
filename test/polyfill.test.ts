import assert from 'node:assert/strict';

describe('node/support/polyfill', () => {
  it('provides Promise.withResolvers to every test (loaded by .mocharc.json before any test)', async () => {
    const withResolvers = (Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>; resolve: (v: T) => void } }).withResolvers;
    assert.equal(typeof withResolvers, 'function');
    const r = withResolvers<number>();
    r.resolve(7);
    assert.equal(await r.promise, 7);
  });
});
