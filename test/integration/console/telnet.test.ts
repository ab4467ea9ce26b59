/**
 * The console against the real lab server on 127.0.0.1, with tcpdump capturing on lo: line mode sends a
 * command in one segment, character mode sends every key in its own segment (what students see as
 * "N Reassembled TCP Segments"), telnet negotiation is refused and never shown, errors are in words.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabServer, type LabServer } from '../../../src/main/engine/labserver/index';
import { TelnetFilter, TelnetSession } from '../../../src/main/engine/console/telnet';
import { captureTraffic } from '../../support/capture';
import { tsharkFields } from '../../support/tshark';
import { sleep } from '../../support/tools';

let lab: LabServer;
beforeAll(async () => {
  lab = await startLabServer({ smtpPort: 0, popPort: 0 });
});
afterAll(async () => {
  await lab.close();
});

function collect() {
  const out = { text: '', status: [] as string[], errors: [] as string[], closed: false };
  return {
    out,
    events: {
      data: (b: Uint8Array) => (out.text += new TextDecoder('latin1').decode(b)),
      status: (t: string) => out.status.push(t),
      error: (t: string) => out.errors.push(t),
      close: () => (out.closed = true),
    },
  };
}

async function waitFor(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('console (telnet client)', () => {
  it('sends a line in one segment and each key in its own segment in character mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelab-console-'));
    const file = join(dir, 'console.pcap');
    const { out, events } = collect();
    await captureTraffic({ iface: 'lo', bpf: `tcp port ${lab.smtpPort}`, out: file }, async () => {
      const s = new TelnetSession('127.0.0.1', lab.smtpPort, 'line', events);
      await s.connect();
      await waitFor(() => out.text.includes('220 '), 'banner');
      await s.send('ehlo li');
      await waitFor(() => /250 [^\r\n]*\r\n/.test(out.text), 'ehlo reply');
      s.mode = 'character';
      await s.send('noop\r');
      await waitFor(() => (out.text.match(/250 /g) ?? []).length >= 2, 'noop reply');
      s.mode = 'line';
      await s.send('quit');
      await waitFor(() => out.closed, 'close');
    });
    const rows = await tsharkFields(file, ['tcp.dstport', 'tcp.len', 'tcp.payload']);
    const sent = rows.filter((r) => Number(r[0]) === lab.smtpPort && Number(r[1]) > 0).map((r) => Buffer.from(r[2], 'hex').toString('latin1'));
    expect(sent[0]).toBe('ehlo li\r\n');
    expect(sent.slice(1, 6)).toEqual(['n', 'o', 'o', 'p', '\r\n']);
    expect(sent[6]).toBe('quit\r\n');
    expect(out.status.some((s) => s.includes('Connection closed'))).toBe(true);
  });

  it('refuses telnet options without showing them, across chunk boundaries', async () => {
    const f = new TelnetFilter();
    const a = f.feed(Uint8Array.from([0x32, 0xff, 0xfd]));
    const b = f.feed(Uint8Array.from([0x03, 0xff, 0xfb, 0x01, 0xff, 0xff, 0x41, 0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0x42]));
    expect([...a.data, ...b.data]).toEqual([0x32, 0xff, 0x41, 0x42]);
    expect([...a.replies, ...b.replies]).toEqual([0xff, 0xfc, 0x03, 0xff, 0xfe, 0x01]);
  });

  it('answers a server that negotiates, and shows only the text', async () => {
    const server: Server = createServer((sock) => {
      sock.write(Buffer.from([0xff, 0xfd, 0x18, 0xff, 0xfb, 0x01]));
      sock.write('+OK ready\r\n');
      sock.on('data', (d) => {
        if (d.includes(0xfc) || d.includes(0xfe)) sock.write(`got:${[...d].join(',')}\r\n`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const { out, events } = collect();
    const s = new TelnetSession('127.0.0.1', port, 'line', events);
    await s.connect();
    await waitFor(() => out.text.includes('got:'), 'negotiation reply');
    expect(out.text.startsWith('+OK ready\r\n')).toBe(true);
    expect(out.text).toContain('got:255,252,24,255,254,1');
    s.close();
    server.close();
  });

  it('reports a refused connection in words', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const { events } = collect();
    const s = new TelnetSession('127.0.0.1', port, 'line', events);
    await expect(s.connect()).rejects.toThrow(/Connection refused: nothing is listening on 127\.0\.0\.1 port/);
    await expect(s.send('x')).rejects.toThrow(/Not connected|closed/);
  });
});
