/**
 * `wirelab web [FILE] [--port N]`: starts the engine, the built-in lab mail server and the web host, opens
 * FILE if given, and prints exactly one line `Wirelab: http://127.0.0.1:PORT/?token=…` on stdout when ready.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workbench } from '../engine/workbench';
import { startWebHost, WEB_HOST_ADDRESS } from './server';

/** findRendererDir looks for out/renderer next to the running bundle, then under the working directory. */
export function findRendererDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../renderer'), resolve(here, '../../out/renderer'), resolve(process.cwd(), 'out/renderer')];
  return candidates.find((dir) => existsSync(resolve(dir, 'index.html')));
}

/** runWebCommand implements `wirelab web`; resolves with the exit code when the server stops. */
export async function runWebCommand(argv: string[]): Promise<number> {
  let port = 0;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0 || v > 65535) {
        process.stderr.write('wirelab web: --port needs a number from 0 to 65535\n');
        return 1;
      }
      port = v;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('Usage: wirelab web [FILE] [--port N]\n');
      return 0;
    } else if (a.startsWith('-')) {
      process.stderr.write(`wirelab web: unknown option ${a}\nUsage: wirelab web [FILE] [--port N]\n`);
      return 1;
    } else if (file === undefined) {
      file = a;
    } else {
      process.stderr.write('wirelab web: only one FILE may be given\n');
      return 1;
    }
  }
  const rendererDir = findRendererDir();
  if (!rendererDir) {
    process.stderr.write('wirelab web: the renderer is not built; run `npm run build` first\n');
    return 1;
  }
  const workbench = new Workbench({ host: 'web' });
  await workbench.start();
  if (file !== undefined) {
    try {
      await workbench['file.open'](resolve(file));
    } catch (err) {
      process.stderr.write(`wirelab web: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const host = await startWebHost({ service: workbench, events: workbench.events, rendererDir, port });
  // The page's WebSocket crosses the loopback interface: captures there leave it out.
  workbench.excludeOwnConnection(WEB_HOST_ADDRESS, host.port);
  process.stdout.write(`Wirelab: ${host.url}\n`);
  return new Promise<number>((done) => {
    const stop = () => {
      void host.close().then(async () => {
        await workbench.stop();
        done(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
