import assert from 'node:assert/strict';
import { Prng } from '../../sim/prng.js';
import { Network, noNetworkFaults, regionLatencyMatrix } from '../../sim/network.js';

describe('sim/network', () => {
  const matrix = regionLatencyMatrix(3);

  it('uses 1 ms inside a region and 40..120 ms across regions', () => {
    const net = new Network(new Prng(1), matrix, [0, 0, 1, 2], noNetworkFaults);
    assert.deepEqual(net.route(0, 1, 0), [1]);
    for (let i = 0; i < 200; i++) {
      const [d] = net.route(0, 2, 0);
      assert.ok(d >= 40 && d <= 120, `cross-region delay ${d}`);
    }
  });

  it('drops across a two-way partition only while it is active, and one way for a one-way partition', () => {
    const faults = { ...noNetworkFaults, partitions: [
      { startMs: 10, healMs: 20, from: [0], to: [1], oneWay: false },
      { startMs: 10, healMs: 20, from: [2], to: [3], oneWay: true },
    ] };
    const net = new Network(new Prng(1), matrix, [0, 0, 0, 0], faults);
    assert.equal(net.route(0, 1, 5).length, 1);
    assert.equal(net.route(0, 1, 15).length, 0);
    assert.equal(net.route(1, 0, 15).length, 0);
    assert.equal(net.route(2, 3, 15).length, 0);
    assert.equal(net.route(3, 2, 15).length, 1);
    assert.equal(net.route(0, 1, 20).length, 1);
    assert.equal(net.lastHealMs(), 20);
  });

  it('loses and duplicates at about the configured rates', () => {
    const net = new Network(new Prng(3), matrix, [0, 0], { ...noNetworkFaults, lossP: 0.2, dupP: 0.1 });
    let lost = 0, dup = 0;
    for (let i = 0; i < 5000; i++) {
      const r = net.route(0, 1, 0);
      if (r.length === 0) lost++;
      if (r.length === 2) dup++;
    }
    assert.ok(Math.abs(lost / 5000 - 0.2) < 0.03, `loss ${lost}`);
    assert.ok(Math.abs(dup / 5000 - 0.08) < 0.03, `dup ${dup}`);
  });

  it('reorders by adding extra delay', () => {
    const net = new Network(new Prng(3), matrix, [0, 0], { ...noNetworkFaults, reorderP: 1, reorderExtraMsMax: 50 });
    const delays = Array.from({ length: 100 }, () => net.route(0, 1, 0)[0]);
    assert.ok(delays.some((d) => d > 1));
    assert.ok(delays.every((d) => d >= 2 && d <= 51));
  });
});
