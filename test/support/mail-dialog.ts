/**
 * Scripted mail dialogs on loopback for captures: one process plays both the client and the server of a
 * TCP connection, so every byte and every segment boundary is chosen by the script. A step writes bytes
 * from one side and waits until the other side has received all of them before the next step, so with
 * Nagle off each write is one TCP segment on `lo` (the MTU is 65536). `keys` steps write one byte per
 * segment, as Windows telnet does. Used by the mail conformance tests to make captures that tshark and
 * Wirelab both read.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';

/** DialogStep is one write: client (`c`) or server (`s`) bytes, whole or one key per segment. */
export type DialogStep =
  | { c: string | Uint8Array; keys?: boolean }
  | { s: string | Uint8Array; keys?: boolean }
  | { pauseMs: number };

/** DialogOptions chooses the server address and port. */
export interface DialogOptions {
  host?: string;
  port: number;
  /** delay between keys of a `keys` step, default 3 ms. */
  keyDelayMs?: number;
}

function toBytes(data: string | Uint8Array): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Receiver {
  received = 0;
  private waiters: { target: number; resolve: () => void }[] = [];
  constructor(socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.received += b.length;
      this.waiters = this.waiters.filter((w) => {
        if (this.received >= w.target) {
          w.resolve();
          return false;
        }
        return true;
      });
    });
  }
  waitFor(target: number, timeoutMs = 10_000): Promise<void> {
    if (this.received >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dialog: timed out waiting for ${target} bytes (${this.received})`)), timeoutMs);
      this.waiters.push({
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** runDialog opens a listener, connects to it, plays `steps`, then closes both ends (client first). */
export async function runDialog(steps: readonly DialogStep[], options: DialogOptions): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  try {
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const client = net.connect({ host, port: options.port });
    client.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    const serverSide = await accepted;
    serverSide.setNoDelay(true);
    const atServer = new Receiver(serverSide);
    const atClient = new Receiver(client);
    let toServer = 0;
    let toClient = 0;
    for (const step of steps) {
      if ('pauseMs' in step) {
        await sleep(step.pauseMs);
        continue;
      }
      const fromClient = 'c' in step;
      const bytes = toBytes(fromClient ? step.c : step.s);
      const socket = fromClient ? client : serverSide;
      const receiver = fromClient ? atServer : atClient;
      const chunks = step.keys ? [...bytes].map((b) => Buffer.from([b])) : [bytes];
      for (const chunk of chunks) {
        socket.write(chunk);
        if (fromClient) toServer += chunk.length;
        else toClient += chunk.length;
        await receiver.waitFor(fromClient ? toServer : toClient);
        if (step.keys) await sleep(options.keyDelayMs ?? 3);
      }
      await sleep(2);
    }
    await new Promise<void>((resolve) => {
      serverSide.once('close', () => resolve());
      client.end();
      serverSide.end();
    });
    client.destroy();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * captureDialog runs `steps` against `port` on 127.0.0.1 while tcpdump (`--immediate-mode`, so nothing
 * is left in the kernel ring at SIGINT) writes `tcp port PORT` on `lo` to `out`; resolves with `out`.
 */
export async function captureDialog(steps: DialogStep[], port: number, out: string): Promise<string> {
  const td = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-n', '-w', out, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    td.stderr.on('data', (d: Buffer) => /listening on/.test(d.toString()) && resolve());
    td.once('exit', (code) => reject(new Error(`tcpdump exited ${code}`)));
  });
  await new Promise((r) => setTimeout(r, 500));
  try {
    await runDialog(steps, { port });
  } finally {
    await new Promise((r) => setTimeout(r, 500));
    td.kill('SIGINT');
    await new Promise((r) => td.once('exit', r));
  }
  return out;
}
