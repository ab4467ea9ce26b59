/**
 * `wirelab` command line: a tshark-like front end to the engine (`-r FILE -Y FILTER -T fields -e FIELD`),
 * run under plain Node from `bin/wirelab.js` or directly as `node out/main/cli.js`.
 *
 * TODO(cli): placeholder body; the CLI owner replaces it. Keep the signature of {@link main}: the bin
 * script and the tests call it and use the returned number as the process exit code.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const USAGE = `Usage: wirelab [options]
  -r <file>        read packets from a pcap/pcapng file
  -Y <filter>      display filter (Wireshark syntax)
  -T <format>      output format: text | fields | json
  -e <field>       field to print with -T fields (repeatable)
  web              serve the UI over HTTP on 127.0.0.1 (no Electron needed)
  -h, --help       show this help
`;

/** main runs the CLI with `argv` (without `node` and the script) and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`wirelab: not implemented yet: ${argv.join(' ')}\n${USAGE}`);
  return 2;
}

/** isDirectRun is true when this module is the script Node was started with (not imported by bin/). */
function isDirectRun(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isDirectRun()) {
  process.exitCode = await main(process.argv.slice(2));
}
