/**
 * IMF unit tests: messages built here byte by byte (RFC 5322 headers, folding, RFC 2047 words, MIME
 * multipart with base64 and quoted-printable parts), fed through SMTP DATA. Labels and Info follow tshark
 * 4.0.17 output recorded on the same messages sent over 127.0.0.1:25 (see smtp.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { dissectSegments, findNode } from './mail-harness';
import { decodeEncodedWords, decodeQuotedPrintable } from '../../../src/main/engine/dissect/imf';

function send(message: string) {
  return dissectSegments([
    { from: 's', data: '220 x\r\n' },
    { from: 'c', data: 'DATA\r\n' },
    { from: 's', data: '354 go\r\n' },
    { from: 'c', data: message },
    { from: 'c', data: '.\r\n' },
  ]);
}

describe('IMF', () => {
  it('shows headers as tshark, encoded words decoded in labels only', () => {
    const cap = send('From: =?UTF-8?B?5byg5LiJ?= <a@b.c>\r\nTo: d@e.f\r\nSubject: =?GBK?B?xOO6ww==?= hi\r\nX-Custom: v\r\n\r\nbody\r\n');
    expect(cap.rows[4]).toEqual({ protocol: 'SMTP/IMF', info: 'from: =?UTF-8?B?5byg5LiJ?= <a@b.c>, subject: =?GBK?B?xOO6ww==?= hi, , body  ' });
    const d = cap.detail(5);
    expect(findNode(d.nodes, 'Subject: ')!.label).toBe('Subject: 你好 hi');
    expect(cap.fields(5, 'imf.subject')).toEqual(['=?GBK?B?xOO6ww==?= hi']);
    const from = findNode(d.nodes, 'From: ')!;
    expect(from.label).toBe('From: 张三 <a@b.c>, 1 item');
    expect(findNode(from.children!, 'Address: ')!.label).toBe('Address: a@b.c');
    const ext = findNode(d.nodes, 'Unknown-Extension: ')!;
    expect(ext.label).toBe('Unknown-Extension: X-Custom: v (Contact Wireshark developers if you want this supported.)');
    expect(ext.children!.map((c) => c.label)).toEqual(['Type: X-Custom', 'Value: v']);
    expect(cap.fields(5, 'imf.extension.type')).toEqual(['X-Custom']);
  });

  it('keeps folded headers and splits Content-Type', () => {
    const cap = send('Subject: hi\r\nX-Thing: folded\r\n  more\r\nContent-Type: text/plain;\r\n charset=utf-8\r\n\r\nhello\r\n');
    expect(cap.rows[4].info).toBe('subject: hi,  (text/plain)');
    const d = cap.detail(5);
    expect(findNode(d.nodes, 'Unknown-Extension: ')!.label).toContain('X-Thing: folded\\r\\n  more');
    expect(cap.fields(5, 'imf.content.type.type')).toEqual(['text/plain']);
    expect(findNode(d.nodes, 'Line-based text data: text/plain (1 lines)')).toBeDefined();
  });

  it('shows MIME multipart parts and decodes base64 and quoted-printable into sources', () => {
    const msg =
      'Subject: mp\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\npreamble\r\n' +
      '--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nok\r\n' +
      '--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n' + Buffer.from('hello base64\r\n').toString('base64') + '\r\n' +
      '--XX--\r\n';
    const cap = send(msg);
    const d = cap.detail(5);
    expect(findNode(d.nodes, 'MIME Multipart Media Encapsulation, Type: multipart/mixed, Boundary: "XX"')).toBeDefined();
    const names = d.sources.map((s) => s.name);
    expect(names).toContain('Decoded quoted-printable (8 bytes)');
    expect(names).toContain('Decoded base64 (14 bytes)');
    const qp = d.sources.find((s) => s.name.startsWith('Decoded quoted'))!;
    expect(Buffer.from(qp.bytes).toString('utf8')).toBe('café ok');
    expect(cap.fields(5, 'mime_multipart.header.content-type')).toHaveLength(2);
    expect(cap.fields(5, 'imf.mime_version')).toEqual(['1.0']);
  });

  it('decodes RFC 2047 words in UTF-8, GBK, GB2312, GB18030 and Q form', () => {
    expect(decodeEncodedWords('=?UTF-8?B?5L2g5aW9?= =?UTF-8?Q?_w=C3=B6rld?=')).toBe('你好 wörld');
    expect(decodeEncodedWords('=?gb2312?B?xOO6ww==?=')).toBe('你好');
    expect(decodeEncodedWords('=?GB18030?B?xOO6ww==?=')).toBe('你好');
    expect(decodeEncodedWords('=?x-unknown?B?xOO6ww==?=')).toBe('=?x-unknown?B?xOO6ww==?=');
    expect(Buffer.from(decodeQuotedPrintable(Buffer.from('a=3Db=\r\nc'))).toString()).toBe('a=bc');
  });

  it('survives invalid UTF-8 and 8-bit bodies', () => {
    const cap = send('Subject: caf\xe9 \xff\xfe\r\n\r\n\x80\x81 8bit\r\n');
    expect(cap.rows[4].info).toBe('subject: caf\ufffd \ufffd\ufffd, , \ufffd\ufffd 8bit  ');
  });
});
