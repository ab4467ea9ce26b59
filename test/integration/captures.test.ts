/**
 * The standard lab capture set (test/support/lab-captures.ts, made by the vitest globalSetup) exists in
 * all three formats, tshark reads every file, sees SMTP/POP frames where they belong (with decode-as
 * when the servers did not get ports 25/110), and the handout captures really carry one-byte TCP
 * payloads (one key per segment).
 */
import { existsSync } from 'node:fs';
import { describe, expect, inject, test } from 'vitest';
import { captureInfo } from '../support/capture';
import type { CaptureName } from '../support/lab-captures';
import { tsharkFields } from '../support/tshark';

const set = inject('captures');
const names: CaptureName[] = ['smtp-handout', 'pop-handout', 'smtp-curl', 'pop-curl', 'smtp-python', 'pop-python', 'smtp-telnet', 'mixed-ipv6', 'any-sll2', 'any-sll'];

describe('standard lab capture set', () => {
  test('manifest lists every capture with its three files', () => {
    expect(Object.keys(set.captures).sort()).toEqual([...names].sort());
    for (const name of names) {
      const capture = set.captures[name];
      for (const file of [capture.file, capture.nsec, capture.pcapng]) expect(existsSync(file), file).toBe(true);
      expect(capture.frames).toBeGreaterThan(5);
    }
  });

  test.each(names)('%s: link types and formats as promised', async (name) => {
    const capture = set.captures[name];
    const expected = name === 'any-sll2' ? 'linux-sll2' : name === 'any-sll' ? 'linux-sll' : 'ether';
    const [pcap, nsec, ng] = await Promise.all([captureInfo(capture.file), captureInfo(capture.nsec), captureInfo(capture.pcapng)]);
    expect(pcap).toEqual({ fileType: 'pcap', encapsulation: expected, packets: capture.frames });
    expect(nsec).toEqual({ fileType: 'nsecpcap', encapsulation: expected, packets: capture.frames });
    expect(ng).toEqual({ fileType: 'pcapng', encapsulation: expected, packets: capture.frames });
  });

  test.each(names)('%s: tshark sees the application protocol in every format', async (name) => {
    const capture = set.captures[name];
    for (const file of [capture.file, capture.nsec, capture.pcapng]) {
      for (const protocol of capture.protocols) {
        const rows = await tsharkFields(file, ['frame.number'], { filter: protocol, decodeAs: capture.decodeAs });
        expect(rows.length, `${file} ${protocol}`).toBeGreaterThan(2);
      }
    }
  });

  test('handout SMTP capture: one-key segments, the 535 then 235, and the mail', async () => {
    const capture = set.captures['smtp-handout'];
    const oneByte = await tsharkFields(capture.file, ['frame.number'], { filter: `tcp.dstport == ${capture.ports.smtp} && tcp.len == 1` });
    expect(oneByte.length).toBeGreaterThan(100);
    const replies = await tsharkFields(capture.file, ['smtp.response.code'], { filter: 'smtp.response.code', decodeAs: capture.decodeAs });
    const codes = replies.flatMap((r) => r[0].split(','));
    expect(codes).toEqual(expect.arrayContaining(['220', '250', '334', '535', '235', '354', '221']));
    expect(codes.indexOf('535')).toBeLessThan(codes.indexOf('235'));
    const commands = await tsharkFields(capture.file, ['smtp.req.command'], { filter: 'smtp.req.command', decodeAs: capture.decodeAs });
    expect(commands.map((r) => r[0].toLowerCase())).toEqual(expect.arrayContaining(['ehlo', 'auth', 'mail', 'rcpt', 'data', 'quit']));
  });

  test('handout POP capture: one-key segments and the RETR of the handout mail', async () => {
    const capture = set.captures['pop-handout'];
    const oneByte = await tsharkFields(capture.file, ['frame.number'], { filter: `tcp.dstport == ${capture.ports.pop} && tcp.len == 1` });
    expect(oneByte.length).toBeGreaterThan(20);
    // tshark 4.0's POP dissector does not reassemble lines (every 1-byte segment is a "request"), so the
    // command stream is checked on the TCP payloads instead.
    const payloads = await tsharkFields(capture.file, ['tcp.payload'], { filter: `tcp.dstport == ${capture.ports.pop} && tcp.len > 0` });
    const typed = Buffer.from(payloads.map((r) => r[0]).join(''), 'hex').toString('latin1');
    expect(typed).toBe('user teacher\r\npass lab0418\r\nstat\r\nlist\r\nretr 1\r\nquit\r\n');
    const retr = await tsharkFields(capture.file, ['pop.response.indicator'], { filter: 'pop.response.indicator', decodeAs: capture.decodeAs });
    expect(retr.length).toBeGreaterThanOrEqual(6);
  });

  test('telnet capture carries IAC DO SGA / IAC DO ECHO from the client', async () => {
    const capture = set.captures['smtp-telnet'];
    const payloads = await tsharkFields(capture.file, ['tcp.payload'], { filter: `tcp.dstport == ${capture.ports.smtp} && tcp.len > 0` });
    const clientBytes = payloads.map((r) => r[0]).join('');
    expect(clientBytes).toContain('fffd03');
    expect(clientBytes).toContain('fffd01');
  });

  test('mixed-ipv6 capture has SMTP over IPv6 and POP over IPv4', async () => {
    const capture = set.captures['mixed-ipv6'];
    const v6 = await tsharkFields(capture.file, ['ipv6.src'], { filter: 'ipv6 && smtp', decodeAs: capture.decodeAs });
    const v4 = await tsharkFields(capture.file, ['ip.src'], { filter: 'ip && pop', decodeAs: capture.decodeAs });
    expect(v6.length).toBeGreaterThan(2);
    expect(v4.length).toBeGreaterThan(2);
    expect(v6[0][0]).toBe('::1');
  });

  test('python capture carries the MIME mail (IMF reassembled by tshark)', async () => {
    const capture = set.captures['smtp-python'];
    const rows = await tsharkFields(capture.file, ['imf.subject'], { filter: 'imf', decodeAs: capture.decodeAs });
    expect(rows.length).toBe(2);
    // tshark prints the RFC 2047 encoded-word as it is on the wire.
    const encoded = /^=\?UTF-8\?B\?([^?]+)\?=$/.exec(rows[0][0]);
    expect(Buffer.from(encoded![1], 'base64').toString('utf8')).toBe('实验一：SMTP 与 POP3 消息的捕获与分析');
    expect(rows[1][0]).toBe('second mail (AUTH PLAIN)');
  });
});
