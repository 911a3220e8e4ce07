import assert from 'node:assert/strict';
import { main } from '../node/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('cli', () => {
  it('exits 2 with a message on an unknown command', async () => {
    const c = capture();
    const code = await main(['no-such-command'], c.io);
    assert.equal(code, 2);
    assert.match(c.err.join(''), /unknown command/);
  });

  it('prints help and exits 0', async () => {
    const c = capture();
    const code = await main(['--help'], c.io);
    assert.equal(code, 0);
    assert.match(c.out.join(''), /Usage: knhk/);
  });
});
