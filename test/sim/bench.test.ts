import assert from 'node:assert/strict';
import { benchThroughput } from '../../node/cli/bench/sim.js';

describe('knhk bench sim (throughput part)', () => {
  it('commits every command and splits the CPU time into parts that add up', function () {
    this.timeout(60_000);
    const r = benchThroughput(300, 64);
    assert.equal(r.ok, true);
    assert.equal(r.committedCommands, 300);
    assert.ok(r.commandsPerBlock > 1, `blocks of ${r.commandsPerBlock} commands`);
    const parts = r.kernelMs + r.consensusMs + r.codecMs + r.simMs;
    assert.ok(r.kernelMs > 0 && r.consensusMs > 0 && r.codecMs > 0, JSON.stringify(r));
    assert.ok(Math.abs(parts - r.cpuMs) <= 4 || r.simMs === 0, `parts ${parts} vs cpu ${r.cpuMs}`);
    const u = r.perCommandUs;
    assert.ok(Math.abs(u.kernel + u.consensus + u.codec + u.sim - u.total) < 0.1 * u.total + 1, JSON.stringify(u));
  });
});
