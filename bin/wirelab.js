#!/usr/bin/env node
// Entry point of the `wirelab` command. The CLI itself is TypeScript bundled by `npm run build` into
// out/main/cli.js; this file only loads it, so a checkout works after one build.
import { existsSync } from 'node:fs';
import v8 from 'node:v8';

// A first pass allocates many short-lived objects per frame; a 64 MiB young generation (V8's default
// tops out at 16 MiB) lets most die there: ~15 % less time on a 1M-frame file for ~+10 MB of memory
// (docs/cli.md). An explicit --max-semi-space-size in NODE_OPTIONS or on the node command line wins.
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space'))) v8.setFlagsFromString('--max-semi-space-size=64');

const cliUrl = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cliUrl)) {
  process.stderr.write('wirelab: out/main/cli.js is missing: run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(cliUrl.href);
// exitCode (not exit()) so piped stdout is flushed before Node exits.
process.exitCode = await main(process.argv.slice(2));
