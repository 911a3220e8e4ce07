// `knhk bench cluster` end to end on a small scale: real replica processes, the closed-loop load,
// and the CPU accounting of the measured window (replicas' counters and the load generator's own).
import assert from 'node:assert/strict';
import { benchCluster } from '../../../node/cli/bench/cluster.js';

describe('bench cluster (4 real replicas, short run)', function () {
  this.timeout(120_000);

  it('commits commands, reports latency, and accounts for replica and load-generator CPU in the window', async () => {
    const r = await benchCluster({ nodes: 4, clients: 8, durationS: 2, warmupS: 1, verify: false, keep: false });
    assert.equal(r.errors, 0, r.firstError);
    assert.ok(r.committed > 0, 'commands committed in the window');
    assert.ok(r.latencyMs.p50 > 0 && r.latencyMs.p99 >= r.latencyMs.p50);
    assert.ok(r.cpu, 'cpu figures present');
    assert.ok(r.cpu.replicaUsPerCommand > 0 && r.cpu.loadgenUsPerCommand > 0, JSON.stringify(r.cpu));
    // Four busy replicas on this machine use a real share of its cores, never more than all of them.
    assert.ok(r.cpu.replicaCores > 0 && r.cpu.replicaCores <= r.cpu.machineCores + 0.5, JSON.stringify(r.cpu));
    assert.equal(r.replica0?.commands !== undefined && r.replica0.commands >= r.committed, true);
  });
});
