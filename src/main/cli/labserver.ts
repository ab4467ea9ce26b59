/**
 * `wirelab labserver [--host 127.0.0.1|::1] [--smtp-port N] [--pop-port N] [--store DIR] [--once]`:
 * runs the built-in lab mail server (SMTP + POP3 sharing one mailbox) alone, e.g. on a teacher's machine
 * for a lab without the app. Prints the ports and accounts, then serves until SIGINT/SIGTERM.
 * `--once` prints the same and stops at once (checks that the ports are free).
 */
import { startLabServer, type LabServerOptions } from '../engine/labserver/index';

const USAGE = 'Usage: wirelab labserver [--host 127.0.0.1|::1] [--smtp-port N] [--pop-port N] [--store DIR] [--once]\n';

/** runLabServerCommand implements `wirelab labserver`; resolves with the exit code when it stops. */
export async function runLabServerCommand(
  argv: string[],
  io: { stdout(text: string): void; stderr(text: string): void },
  waitForStop: () => Promise<void> = () =>
    new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
): Promise<number> {
  const options: LabServerOptions = {};
  let once = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const port = (name: string): number | undefined => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0 || v > 65535) {
        io.stderr(`wirelab labserver: ${name} needs a port number from 0 to 65535\n${USAGE}`);
        return undefined;
      }
      return v;
    };
    if (a === '--smtp-port') {
      const v = port(a);
      if (v === undefined) return 1;
      options.smtpPort = v;
    } else if (a === '--pop-port') {
      const v = port(a);
      if (v === undefined) return 1;
      options.popPort = v;
    } else if (a === '--host') options.host = argv[++i];
    else if (a === '--store') options.storeDir = argv[++i];
    else if (a === '--once') once = true;
    else if (a === '-h' || a === '--help') {
      io.stdout(USAGE);
      return 0;
    } else {
      io.stderr(`wirelab labserver: unknown option ${a}\n${USAGE}`);
      return 1;
    }
  }
  let server;
  try {
    server = await startLabServer(options);
  } catch (err) {
    io.stderr(`wirelab labserver: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const accounts = server.accounts.map((a) => `${a.user}/${a.password} <${a.address}>`).join(', ');
  io.stdout(`Wirelab lab server: SMTP ${server.host}:${server.smtpPort}, POP3 ${server.host}:${server.popPort}; accounts ${accounts}\n`);
  if (!once) await waitForStop();
  await server.close();
  return 0;
}
