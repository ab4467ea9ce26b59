/**
 * Child process for the crash-safety test: captures UDP port 9 on lo into a spool until it is killed.
 * The test bundles this file with rolldown and runs it with node; argv[2] is the spool folder.
 */
import { Workbench } from '../../src/main/engine/workbench';

const workbench = new Workbench({ labServer: false, capture: { spoolDir: process.argv[2], backend: 'cap' } });
await workbench['capture.start']({ iface: 'lo', captureFilter: 'udp port 9' });
process.stdout.write('capturing\n');
setInterval(() => undefined, 1000);
