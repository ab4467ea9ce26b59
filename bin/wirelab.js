#!/usr/bin/env node
// Entry point of the `wirelab` command. The CLI itself is TypeScript bundled by `npm run build` into
// out/main/cli.js; this file only loads it, so a checkout works after one build.
import { existsSync } from 'node:fs';

// No V8 heap flag is set here: V8 reads the young generation's size when an isolate's heap is set up,
// so v8.setFlagsFromString at this point only reaches isolates made later (the parallel reader's
// workers, src/main/cli/parallel.ts). `node --max-semi-space-size=64 bin/wirelab.js …` sets it for the
// main thread too (docs/cli.md).

const cliUrl = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cliUrl)) {
  process.stderr.write('wirelab: out/main/cli.js is missing: run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(cliUrl.href);
// exitCode (not exit()) so piped stdout is flushed before Node exits.
process.exitCode = await main(process.argv.slice(2));
