// The trace hash is SHA-256(tag || 0 || the text lines joined with '\n'), however the bytes are
// buffered: checked against a plain hash of the text, with non-ASCII, lone surrogates, pieces larger
// than the buffer and lines crossing buffer boundaries.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Trace, TRACE_TAG } from '../../sim/trace.js';
import { tagPrefix } from '../../crypto/hash.js';

function reference(lines: string[]): string {
  return createHash('sha256').update(tagPrefix(TRACE_TAG)).update(lines.map((l) => l + '\n').join('')).digest('hex');
}

describe('sim/trace', () => {
  it('hashes exactly the UTF-8 of its text lines', () => {
    const t = new Trace(true);
    const details = ['', 'seq=1 ok', 'é€😀 ünïcode', 'lone \ud800 high', 'lone \udc00 low', 'x'.repeat(70_000), '😀'.repeat(30_000), 'tail'];
    for (let i = 0; i < 5_000; i++) {
      const d = details[i % details.length];
      t.record(i * 0.5, `r${i % 4}`, i % 3 ? 'c1' : 'r2\u00e9', i % 5 ? 'vote' : 'commit', i % 97 === 0 ? d : d.slice(0, 40));
    }
    assert.equal(t.events, 5_000);
    assert.equal(t.digestHex(), reference([...t.lines()]));
  });

  it('gives the same digest whether or not lines are kept', () => {
    const a = new Trace(false);
    const b = new Trace(true);
    for (let i = 0; i < 20_000; i++) for (const t of [a, b]) t.record(i / 3, 'c7', 'r1', 'request', `seq=${i} é`);
    assert.equal(a.digestHex(), b.digestHex());
    assert.equal(a.lines().length, 0);
  });
});
