// The per-source budget of invalid envelopes (token bucket, fixed penalty, bounded table) and the
// per-stream check slots, with a fake clock.
import assert from 'node:assert/strict';
import { multiaddr } from '@multiformats/multiaddr';
import { CheckSlots } from '../../../node/client/check-slots.js';
import { SourcePenalties, sourceOfAddress } from '../../../node/client/source-penalty.js';

describe('source penalties', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => {
    t = 1_000;
  });

  it('tolerates `burst` invalid envelopes, penalizes on the next, and the penalty expires by itself', () => {
    const p = new SourcePenalties({ burst: 3, refillPerSecond: 0, penaltyMs: 5_000 }, now);
    for (let i = 0; i < 3; i++) assert.equal(p.recordFailure('a'), 0);
    assert.equal(p.penaltyLeftMs('a'), 0);
    assert.equal(p.recordFailure('a'), 5_000);
    assert.equal(p.penaltyLeftMs('a'), 5_000);
    assert.equal(p.penalizedCount(), 1);
    // Failures while penalized neither extend the penalty nor report it again.
    t += 4_000;
    assert.equal(p.recordFailure('a'), 0);
    assert.equal(p.penaltyLeftMs('a'), 1_000);
    t += 1_000;
    assert.equal(p.penaltyLeftMs('a'), 0);
    assert.equal(p.penalizedCount(), 0);
    // No refill configured: the bucket is still empty, so the next failure penalizes again.
    assert.equal(p.recordFailure('a'), 5_000);
  });

  it('refills the budget over time, and charges each source separately', () => {
    const p = new SourcePenalties({ burst: 2, refillPerSecond: 1, penaltyMs: 60_000 }, now);
    assert.equal(p.recordFailure('a'), 0);
    assert.equal(p.recordFailure('a'), 0);
    t += 1_000; // one token back
    assert.equal(p.recordFailure('a'), 0);
    assert.equal(p.recordFailure('b'), 0, 'another source has its own bucket');
    assert.equal(p.recordFailure('a'), 60_000);
    assert.equal(p.penaltyLeftMs('b'), 0);
    assert.equal(p.penalizedCount(), 1);
  });

  it('keeps at most maxSources entries, forgetting the least recently active first', () => {
    const p = new SourcePenalties({ burst: 0, refillPerSecond: 0, penaltyMs: 10_000, maxSources: 3 }, now);
    assert.equal(p.recordFailure('penalized'), 10_000);
    for (let i = 0; i < 100; i++) {
      p.recordFailure(`s${i}`);
      // A penalized source that keeps trying stays the most recently active.
      assert.ok(p.penaltyLeftMs('penalized') > 0, `still penalized after ${i} other sources`);
      assert.ok(p.size <= 3, `table of ${p.size}`);
    }
    assert.equal(p.size, 3);
    assert.equal(p.penaltyLeftMs('s0'), 0, 'an old source was forgotten');
  });

  it('forgets sources whose budget refilled completely when counting', () => {
    const p = new SourcePenalties({ burst: 2, refillPerSecond: 1, penaltyMs: 1_000 }, now);
    p.recordFailure('a');
    p.recordFailure('b');
    assert.equal(p.size, 2);
    t += 2_000;
    assert.equal(p.penalizedCount(), 0);
    assert.equal(p.size, 0);
  });

  it('rejects limits that make no sense', () => {
    assert.throws(() => new SourcePenalties({ penaltyMs: 0 }), RangeError);
    assert.throws(() => new SourcePenalties({ maxSources: 0 }), RangeError);
    assert.throws(() => new SourcePenalties({ burst: -1 }), RangeError);
  });

  it('keys a connection by IPv4 address, by IPv6 /64 prefix, and IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(sourceOfAddress(multiaddr('/ip4/10.1.2.3/tcp/4001')), '10.1.2.3');
    assert.equal(sourceOfAddress(multiaddr('/ip6/2001:db8:1:2:aaaa::1/tcp/4001')), '2001:db8:1:2::/64');
    assert.equal(sourceOfAddress(multiaddr('/ip6/2001:db8:1:2:bbbb:cccc:dddd:eeee/tcp/4001')), '2001:db8:1:2::/64');
    assert.equal(sourceOfAddress(multiaddr('/ip6/2001:db8::5/tcp/1')), '2001:db8:0:0::/64');
    assert.equal(sourceOfAddress(multiaddr('/ip6/::1/tcp/1')), '0:0:0:0::/64');
    assert.equal(sourceOfAddress(multiaddr('/ip6/::ffff:192.0.2.7/tcp/1')), '192.0.2.7');
    assert.equal(sourceOfAddress(multiaddr('/ip4/127.0.0.1/tcp/1/p2p/12D3KooWGzBcNj1AqcbixUbkGnY7y8wD3Bbi9dSWsq4cuhdWLLce')), '127.0.0.1');
  });
});

describe('check slots', () => {
  it('admits at most the current limit, and refuses the waiting ones once the limit drops to zero', async () => {
    let limit = 2;
    const slots = new CheckSlots(() => limit);
    assert.equal(await slots.acquire(), true);
    assert.equal(await slots.acquire(), true);
    const third = slots.acquire();
    const fourth = slots.acquire();
    assert.equal(slots.queued, 2);
    slots.release();
    assert.equal(await third, true, 'a freed slot goes to the first waiter');
    limit = 0;
    slots.release();
    assert.equal(await fourth, false);
    assert.equal(await slots.acquire(), false);
  });
});
