/**
 * Loopback traffic generator for the live-capture benchmark: sends UDP datagrams to 127.0.0.1:PORT at
 * RATE packets per second for SECONDS, in small batches every 5 ms, then prints how many it sent.
 * Usage: node udp-sender.mjs PORT RATE SECONDS
 */
import { createSocket } from 'node:dgram';

const [port, rate, seconds] = process.argv.slice(2).map(Number);
if (!port || !rate || !seconds) {
  process.stderr.write('usage: udp-sender PORT RATE SECONDS\n');
  process.exit(2);
}
const socket = createSocket('udp4');
const payload = Buffer.alloc(32, 0x61);
const tickMs = 5;
const started = performance.now();
let sent = 0;
let inFlight = 0;
function tick(): void {
  const elapsed = (performance.now() - started) / 1000;
  if (elapsed >= seconds) {
    const wait = () => (inFlight > 0 ? setTimeout(wait, 5) : (socket.close(), process.stdout.write(`${sent}\n`)));
    wait();
    return;
  }
  const due = Math.min(Math.floor(elapsed * rate), rate * seconds);
  while (sent < due && inFlight < 20000) {
    payload.writeUInt32BE(sent, 0);
    inFlight++;
    socket.send(payload, port, '127.0.0.1', () => inFlight--);
    sent++;
  }
  setTimeout(tick, tickMs);
}
tick();
