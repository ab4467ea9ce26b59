/**
 * Hostile streams through SMTP and POP (byte streams built here): a 1 MiB line without CRLF, 50 MiB of
 * DATA, a `250-` reply never closed, RETR without the final `.`, random bytes after STARTTLS, and random
 * segments (fast-check). Expectations: no exception, no Malformed item from our layers, bounded memory.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dissectSegments, type Segment } from './mail-harness';
import { MAX_MESSAGE } from '../../../src/main/engine/dissect/smtp';

const chunk = (size: number, byte: number): Uint8Array => new Uint8Array(size).fill(byte);

describe('hostile mail streams', () => {
  it('shows a 1 MiB line without CRLF as over-long lines and resynchronises', () => {
    const segs: Segment[] = [{ from: 's', data: '220 x\r\n' }];
    for (let i = 0; i < 16; i++) segs.push({ from: 'c', data: chunk(65536, 0x41) });
    segs.push({ from: 'c', data: 'AAAA\r\nNOOP\r\n' });
    segs.push({ from: 's', data: '250 ok\r\n' });
    const cap = dissectSegments(segs);
    expect(cap.rows.some((r) => r.info.includes('[line longer than 65536 bytes]'))).toBe(true);
    expect(cap.rows[17].info).toContain('C: NOOP');
    expect(cap.rows[18].info).toBe('S: 250 ok');
  });

  it('keeps at most MAX_MESSAGE bytes of a 50 MiB DATA phase', () => {
    const segs: Segment[] = [
      { from: 's', data: '220 x\r\n' },
      { from: 'c', data: 'DATA\r\n' },
      { from: 's', data: '354 go\r\n' },
    ];
    const line = new Uint8Array(1024 * 1024);
    for (let i = 0; i < line.length; i++) line[i] = i % 100 === 98 ? 0x0d : i % 100 === 99 ? 0x0a : 0x61;
    line[line.length - 2] = 0x0d;
    line[line.length - 1] = 0x0a;
    for (let i = 0; i < 50; i++) segs.push({ from: 'c', data: line });
    segs.push({ from: 'c', data: '.\r\n' });
    segs.push({ from: 's', data: '250 ok\r\n' });
    const cap = dissectSegments(segs);
    expect(cap.rows[3].info).toBe('C: DATA fragment, 1048576 bytes');
    expect(cap.rows[53].protocol).toBe('SMTP/IMF');
    const d = cap.detail(54);
    const source = d.sources.find((s) => s.name.startsWith('Reassembled SMTP'))!;
    expect(source.bytes.length).toBe(MAX_MESSAGE);
    expect(cap.fields(54, 'smtp.data.reassembled.length')).toEqual([50 * 1024 * 1024]);
  });

  it('survives a 250- reply never closed, RETR without the final dot, random bytes after STARTTLS', () => {
    const smtp = dissectSegments([
      { from: 's', data: '220 x\r\n' },
      { from: 'c', data: 'EHLO a\r\n' },
      { from: 's', data: '250-a\r\n250-b\r\n' },
      { from: 's', data: '250-c\r\n' },
      { from: 'c', data: 'STARTTLS\r\n' },
      { from: 's', data: '220 go\r\n' },
      { from: 'c', data: Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) & 255) },
      { from: 's', data: Uint8Array.from({ length: 300 }, (_, i) => (i * 31) & 255) },
    ]);
    expect(smtp.rows[2].info).toBe('S: 250-a | b');
    expect(smtp.rows[6].info).toBe('C: Encrypted data, 4000 bytes');
    const pop = dissectSegments(
      [
        { from: 's', data: '+OK\r\n' },
        { from: 'c', data: 'RETR 1\r\n' },
        { from: 's', data: '+OK\r\nSubject: x\r\n\r\nbody\r\n' },
        { from: 's', data: 'more\r\n' },
      ],
      { serverPort: 110 },
    );
    expect(pop.rows.map((r) => r.info)).toEqual(['S: +OK', 'C: RETR 1', 'S: +OK', 'S: DATA fragment, 6 bytes']);
  });

  it('never throws on random segments in either direction', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.constantFrom<'c' | 's'>('c', 's'), data: fc.uint8Array({ maxLength: 200 }) }), { maxLength: 30 }),
        fc.constantFrom(25, 110),
        fc.boolean(),
        (segments, port, decrypt) => {
          const cap = dissectSegments(
            [{ from: 's', data: port === 25 ? '220 x\r\n' : '+OK\r\n' }, ...segments.filter((s) => s.data.length > 0)],
            { serverPort: port, session: { prefs: { 'smtp.decryption': decrypt } } },
          );
          for (let i = 1; i <= cap.frames.length; i++) {
            const d = cap.detail(i);
            expect(JSON.stringify(d.nodes)).not.toContain('Malformed');
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
