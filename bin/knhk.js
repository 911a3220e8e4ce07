#!/usr/bin/env node
// Entry point of the `knhk` CLI. The sources are TypeScript run through tsx's loader, so a clone
// needs no build step; the loader is registered before anything of ours is imported.
import { register } from 'tsx/esm/api';
register();
await import('../node/support/polyfill.ts');
const { main } = await import('../node/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
