import assert from 'node:assert/strict';
import { Cluster } from '../../sim/cluster.js';
import { Wire, deepFreeze } from '../../sim/wire.js';
import { Prng } from '../../sim/prng.js';
import { workloadFor } from '../../sim/workloads.js';
import { defaultSimOptions, type SimOptions } from '../../sim/options.js';
import { allFaultClasses } from '../../sim/faults.js';
import { encodeConsensusMessage } from '../../node/proto/consensus-codec.js';
import type { Message } from '../../consensus/types.js';

describe('sim/wire: encode once, decode once, share frozen', () => {
  const limits = { n: 4, maxCommands: 64, maxCommandBytes: 64 * 1024, maxSyncBlocks: 64 };
  const forward: Message = { type: 'forward', commands: [{ client: 'alice', seq: 1, bytes: new Uint8Array([1, 2, 3]) }] };

  it('decodes one bytes object once and hands every receiver the same deep-frozen message', () => {
    const wire = new Wire(limits, new Prng(1));
    const bytes = wire.encode(forward);
    assert.equal(wire.encode(forward), bytes, 'a broadcast encodes once');
    const a = wire.decode(bytes);
    const b = wire.decode(bytes);
    assert.ok(a.ok && b.ok);
    assert.equal(a.message, b.message);
    assert.equal(wire.decodes, 1);
    assert.ok(a.message.type === 'forward');
    assert.ok(Object.isFrozen(a.message) && Object.isFrozen(a.message.commands) && Object.isFrozen(a.message.commands[0]));
    assert.throws(() => {
      (a.message as { commands: unknown[] }).commands.push(1);
    }, TypeError);
    // Equal bytes in another object decode afresh (garbage and copies are never confused).
    assert.notEqual((wire.decode(bytes.slice()) as { message: Message }).message, a.message);
    assert.equal(wire.decodes, 2);
  });

  it('still drops bytes that do not decode, every time', () => {
    const wire = new Wire(limits, new Prng(1));
    const junk = new Uint8Array([0xff, 0xff, 0xff, 0x01]);
    assert.equal(wire.decode(junk).ok, false);
    assert.equal(wire.decode(junk).ok, false);
  });

  it('deepFreeze leaves typed arrays writable and freezes everything else', () => {
    const v = deepFreeze({ a: [{ b: new Uint8Array(2) }] });
    assert.ok(Object.isFrozen(v.a[0]));
    v.a[0].b[0] = 7;
    assert.equal(v.a[0].b[0], 7);
  });

  it('a faulty Byzantine run never changes a byte of a shared decoded message', function () {
    this.timeout(60_000);
    const o: SimOptions = { ...defaultSimOptions, seed: 5, nodes: 4, byzantine: 1, commands: 40, faults: [...allFaultClasses] };
    const cluster = new Cluster(o, workloadFor(o.workload, o.keys));
    assert.ok(cluster.wire);
    cluster.wire.audit = [];
    cluster.run();
    assert.equal(cluster.findings.length, 0, JSON.stringify(cluster.findings));
    assert.ok(cluster.wire.audit.length > 50);
    for (const { bytes, copy, message } of cluster.wire.audit) {
      assert.deepEqual(bytes, copy);
      // The shared object still encodes to what was sent: no receiver changed it.
      assert.deepEqual(encodeConsensusMessage(message), copy);
    }
  });
});
