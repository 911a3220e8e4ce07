import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { main } from '../node/cli/main.js';
import { commandLoaders, loadCommands } from '../node/cli/commands/index.js';

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
    for (const [name] of commandLoaders) assert.match(c.out.join(''), new RegExp(`\\n  ${name}\\b`), `help lists ${name}`);
  });

  it('loads only the module of the command it runs; help and unknown names load them all', async () => {
    assert.equal((await loadCommands('verify')).length, 1);
    assert.equal((await loadCommands('help')).length, commandLoaders.length);
    assert.equal((await loadCommands(undefined)).length, commandLoaders.length);
  });

  it('an offline command does not load the networking stack', () => {
    // In a child process (this one has loaded everything already), a resolve hook records every
    // module URL; `status` talks to replicas, so it must load libp2p: the check can fail.
    const libp2pModulesLoadedBy = (command: string): number => {
      const hook = 'data:text/javascript,' + encodeURIComponent('let port; export function initialize(d) { port = d.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }');
      const probe =
        "import { register } from 'node:module'; const { port1, port2 } = new MessageChannel(); const urls = []; port1.on('message', (u) => urls.push(u)); port1.unref(); " +
        `register(${JSON.stringify(hook)}, { data: { port: port2 }, transferList: [port2] }); ` +
        `const { loadCommands } = await import('./node/cli/commands/index.ts'); await loadCommands(${JSON.stringify(command)}); ` +
        "await new Promise((r) => setTimeout(r, 50)); console.log(urls.filter((u) => u.includes('/libp2p/')).length);";
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return Number(r.stdout.trim().split('\n').pop());
    };
    assert.equal(libp2pModulesLoadedBy('verify'), 0);
    assert.ok(libp2pModulesLoadedBy('status') > 0);
  });
});
