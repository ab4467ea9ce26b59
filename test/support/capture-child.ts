/**
 * Child process for the crash-safety tests: captures UDP port 9 (or argv[3]) on lo into a spool until it
 * is killed. The tests bundle this file with rolldown and run it with node; argv[2] is the spool folder.
 */
import { Workbench } from '../../src/main/engine/workbench';

const port = Number(process.argv[3] ?? 9);
const workbench = new Workbench({ labServer: false, capture: { spoolDir: process.argv[2], backend: 'cap' } });
await workbench['capture.start']({ iface: 'lo', captureFilter: `udp port ${port}` });
process.stdout.write('capturing\n');
setInterval(() => undefined, 1000);
