/**
 * Writer tests: round trips through the reader (fast-check), byte-exact comparison with the hand-built
 * fixtures of build.ts, atomic saves (abort and failures leave an existing target byte-identical),
 * I/O errors as CaptureFileError('io'), and the live-spool mode (atomic: false + flush).
 */
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFileSync } from '../../../src/main/engine/file/reader';
import { CaptureFileError, type InterfaceInfo } from '../../../src/main/engine/file/types';
import {
  openCaptureWriter,
  type WritableRecord,
  type WriterOptions,
} from '../../../src/main/engine/file/writer';
import { concat, epb, idb, payload, pcapFile, shb, ByteSink, text } from './build';

const tmp = mkdtempSync(join(tmpdir(), 'wirelab-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let serial = 0;
const freshPath = (ext: string) => join(tmp, `f${serial++}.${ext}`);

function writeAll(path: string, opts: WriterOptions, records: WritableRecord[]): void {
  const writer = openCaptureWriter(path, opts);
  for (const r of records) writer.write(r);
  expect(writer.count).toBe(records.length);
  writer.close();
}

const recordArb = (withComments: boolean) =>
  fc.record({
    tsSec: fc.nat({ max: 0xffffffff }),
    tsNsec: fc.nat({ max: 999_999_999 }),
    data: fc.uint8Array({ maxLength: 300 }),
    extra: fc.option(fc.nat({ max: 70000 }), { nil: undefined }),
    comment: withComments
      ? fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: undefined })
      : fc.constant(undefined),
  });

describe('round trip (fast-check)', () => {
  for (const [format, nanosecond] of [
    ['pcap', false],
    ['pcap', true],
    ['pcapng', false],
    ['pcapng', true],
  ] as const) {
    it(`${format} ${nanosecond ? 'ns' : 'µs'}: random records → write → read → identical`, () => {
      fc.assert(
        fc.property(
          fc.array(recordArb(format === 'pcapng'), { maxLength: 40 }),
          fc.constantFrom(1, 113, 276, 0xbeef),
          (specs, linktype) => {
            const path = freshPath(format);
            const records: WritableRecord[] = specs.map((s) => ({
              tsSec: s.tsSec,
              tsNsec: s.tsNsec,
              data: s.data,
              origLen: s.extra === undefined ? undefined : s.data.length + s.extra,
              comment: s.comment,
            }));
            writeAll(path, { format, linktype, nanosecond }, records);
            const { info, records: read, error } = readCaptureFileSync(path);
            expect(error).toBeNull();
            expect(info.format).toBe(format);
            expect(info.nanosecond).toBe(nanosecond);
            expect(info.interfaces[0].linktype).toBe(linktype);
            expect(
              read.map((r) => ({
                tsSec: r.tsSec,
                tsNsec: r.tsNsec,
                data: Array.from(r.data),
                origLen: r.origLen,
                comment: r.comment,
                linktype: r.linktype,
              })),
            ).toEqual(
              records.map((r) => ({
                tsSec: r.tsSec,
                tsNsec: nanosecond ? r.tsNsec : Math.floor(r.tsNsec / 1000) * 1000,
                data: Array.from(r.data),
                origLen: r.origLen ?? r.data.length,
                comment: format === 'pcapng' ? r.comment : undefined,
                linktype,
              })),
            );
            unlinkSync(path);
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('pcapng with several interfaces (resolutions 10^-k, offsets, snaplen cut) round-trips to the tick', () => {
    const ifaceArb = fc.record({
      linktype: fc.constantFrom(1, 101, 113, 276),
      snaplen: fc.constantFrom(0, 64, 65535, 262144),
      name: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
      description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      exponent: fc.integer({ min: 0, max: 9 }),
      tsOffsetSec: fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(ifaceArb, { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat({ max: 2 ** 33 }),
            fc.nat({ max: 999_999_999 }),
            fc.uint8Array({ maxLength: 200 }),
          ),
          { maxLength: 30 },
        ),
        fc.option(fc.string(), { nil: undefined }),
        (ifaceSpecs, recordSpecs, sectionComment) => {
          const interfaces: InterfaceInfo[] = ifaceSpecs.map((s) => ({
            linktype: s.linktype,
            snaplen: s.snaplen,
            ...(s.name === undefined ? {} : { name: s.name }),
            ...(s.description === undefined ? {} : { description: s.description }),
            tsResolNs: 10 ** (9 - s.exponent),
            ...(s.tsOffsetSec === undefined || s.tsOffsetSec === 0 ? {} : { tsOffsetSec: s.tsOffsetSec }),
          }));
          const records: WritableRecord[] = recordSpecs.map(([pick, sec, nsec, data]) => {
            const interfaceId = pick % interfaces.length;
            return {
              interfaceId,
              tsSec: sec + (interfaces[interfaceId].tsOffsetSec ?? 0) + 1_000_000,
              tsNsec: nsec,
              data,
            };
          });
          const path = freshPath('pcapng');
          writeAll(path, { format: 'pcapng', linktype: 1, interfaces, sectionComment }, records);
          const { info, records: read, error } = readCaptureFileSync(path);
          expect(error).toBeNull();
          expect(info.interfaces).toEqual(interfaces);
          expect(info.comments).toEqual(sectionComment === undefined ? [] : [sectionComment]);
          expect(read).toHaveLength(records.length);
          read.forEach((r, i) => {
            const w = records[i];
            const iface = interfaces[w.interfaceId!];
            const cut = iface.snaplen === 0 ? w.data.length : Math.min(iface.snaplen, w.data.length);
            expect([r.interfaceId, r.linktype, r.tsSec, r.tsNsec, r.caplen, r.origLen]).toEqual([
              w.interfaceId,
              iface.linktype,
              w.tsSec,
              Math.floor(w.tsNsec / iface.tsResolNs) * iface.tsResolNs,
              cut,
              w.data.length,
            ]);
            expect(r.data).toEqual(w.data.subarray(0, cut));
          });
          unlinkSync(path);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('bytes written', () => {
  it('writes a µs pcap byte-identical to the hand-built fixture', () => {
    const path = freshPath('pcap');
    writeAll(path, { format: 'pcap', linktype: 1 }, [
      { tsSec: 1700000000, tsNsec: 123456789, data: payload(60) },
      { tsSec: 5, tsNsec: 999, data: payload(10, 3), origLen: 1514 },
    ]);
    const expected = pcapFile({}, [
      { tsSec: 1700000000, tsFraction: 123456, data: payload(60) },
      { tsSec: 5, tsFraction: 0, data: payload(10, 3), origLen: 1514 },
    ]);
    expect(readFileSync(path)).toEqual(Buffer.from(expected));
  });

  it('writes a pcapng byte-identical to the hand-built SHB(comment, userappl) + IDB(name, tsresol) + EPB(comment)', () => {
    const path = freshPath('pcapng');
    writeAll(
      path,
      {
        format: 'pcapng',
        linktype: 113,
        snaplen: 65535,
        nanosecond: true,
        sectionComment: 'lab 1',
        interfaces: [{ linktype: 113, snaplen: 65535, name: 'any', tsResolNs: 1 }],
      },
      [{ tsSec: 1700000000, tsNsec: 123456789, data: payload(61), comment: 'hello' }],
    );
    const expected = concat(
      shbWithUserAppl('lab 1'),
      idb('le', { linktype: 113, snaplen: 65535, name: 'any', tsresol: 9 }),
      epb('le', { ticks: 1_700_000_000_123_456_789n, data: payload(61), comments: ['hello'] }),
    );
    expect(readFileSync(path)).toEqual(Buffer.from(expected));
  });

  it('clips data to the snaplen and keeps origLen', () => {
    const path = freshPath('pcap');
    writeAll(path, { format: 'pcap', linktype: 1, snaplen: 96 }, [
      { tsSec: 1, tsNsec: 0, data: payload(1500) },
    ]);
    const { info, records } = readCaptureFileSync(path);
    expect(info.interfaces[0].snaplen).toBe(96);
    expect([records[0].caplen, records[0].origLen]).toEqual([96, 1500]);
  });

  it('writes maximal blocks (256 KiB data + 64 KiB comment) across buffer boundaries', () => {
    const path = freshPath('pcapng');
    const comment = 'x'.repeat(65535);
    const records = Array.from({ length: 40 }, (_, i) => ({
      tsSec: i,
      tsNsec: 0,
      data: payload(262144, i),
      comment,
    }));
    writeAll(path, { format: 'pcapng', linktype: 1 }, records);
    const read = readCaptureFileSync(path);
    expect(read.error).toBeNull();
    expect(read.records.map((r) => [r.tsSec, r.caplen, r.comment?.length])).toEqual(
      records.map((r) => [r.tsSec, 262144, 65535]),
    );
    expect(read.records[39].data).toEqual(payload(262144, 39));
  });

  it('rejects invalid records with RangeError and stays usable', () => {
    const path = freshPath('pcapng');
    const writer = openCaptureWriter(path, { format: 'pcapng', linktype: 1 });
    expect(() => writer.write({ tsSec: 1, tsNsec: 1e9, data: payload(1) })).toThrow(RangeError);
    expect(() => writer.write({ tsSec: -1, tsNsec: 0, data: payload(1) })).toThrow(RangeError);
    expect(() => writer.write({ tsSec: 1.5, tsNsec: 0, data: payload(1) })).toThrow(RangeError);
    expect(() => writer.write({ tsSec: 1, tsNsec: 0, data: payload(1), interfaceId: 1 })).toThrow(
      /interfaceId 1/,
    );
    expect(() => writer.write({ tsSec: 1, tsNsec: 0, data: payload(1), origLen: -1 })).toThrow(RangeError);
    expect(() => writer.write({ tsSec: 1, tsNsec: 0, data: payload(1), comment: 'é'.repeat(40000) })).toThrow(
      /65535/,
    );
    writer.write({ tsSec: 2, tsNsec: 3, data: payload(4) });
    writer.close();
    expect(readCaptureFileSync(path).records.map((r) => r.tsSec)).toEqual([2]);
    const pcapWriter = openCaptureWriter(freshPath('pcap'), { format: 'pcap', linktype: 1 });
    expect(() => pcapWriter.write({ tsSec: 2 ** 32, tsNsec: 0, data: payload(1) })).toThrow(RangeError);
    pcapWriter.abort();
    expect(() =>
      openCaptureWriter(freshPath('pcapng'), {
        format: 'pcapng',
        linktype: 1,
        interfaces: [{ linktype: 1, snaplen: 0, tsResolNs: 3 }],
      }),
    ).toThrow(/resolution/);
    expect(() =>
      openCaptureWriter(freshPath('pcap'), {
        format: 'pcap',
        linktype: 1,
        interfaces: [
          { linktype: 1, snaplen: 0, tsResolNs: 1 },
          { linktype: 1, snaplen: 0, tsResolNs: 1 },
        ],
      }),
    ).toThrow(/pcapng/);
  });
});

/** SHB with opt_comment and shb_userappl "Wirelab", as the writer emits it. */
function shbWithUserAppl(comment: string): Uint8Array {
  return shb('le', {
    extra: [
      { code: 1, value: text(comment) },
      { code: 4, value: text('Wirelab') },
    ],
  });
}

describe('atomic save', () => {
  const oldBytes = () => Buffer.from(pcapFile({}, [{ tsSec: 42, tsFraction: 0, data: payload(100) }]));
  const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes('.tmp-'));

  it('replaces the target only on close', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const target = join(dir, 'save.pcapng');
    writeFileSync(target, oldBytes());
    const writer = openCaptureWriter(target, { format: 'pcapng', linktype: 1 });
    for (let i = 0; i < 20000; i++) writer.write({ tsSec: i, tsNsec: 0, data: payload(100, i) });
    writer.flush();
    expect(readFileSync(target)).toEqual(oldBytes());
    expect(leftovers(dir)).toHaveLength(1);
    writer.close();
    expect(leftovers(dir)).toEqual([]);
    expect(readCaptureFileSync(target).records).toHaveLength(20000);
  });

  it('abort leaves an existing target byte-identical and removes the temporary file', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const target = join(dir, 'save.pcap');
    writeFileSync(target, oldBytes());
    const writer = openCaptureWriter(target, { format: 'pcap', linktype: 1 });
    for (let i = 0; i < 20000; i++) writer.write({ tsSec: i, tsNsec: 0, data: payload(100, i) }); // > 1 MiB: some bytes reached the disk
    writer.abort();
    writer.abort(); // idempotent
    expect(readFileSync(target)).toEqual(oldBytes());
    expect(leftovers(dir)).toEqual([]);
    expect(() => writer.write({ tsSec: 1, tsNsec: 0, data: payload(1) })).toThrow(/closed/);
  });

  it('a save that fails midway (bad record, then the caller aborts) leaves the target byte-identical', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const target = join(dir, 'save.pcapng');
    writeFileSync(target, oldBytes());
    const writer = openCaptureWriter(target, { format: 'pcapng', linktype: 1 });
    const save = () => {
      for (let i = 0; i < 30000; i++)
        writer.write({ tsSec: i, tsNsec: i === 25000 ? -1 : 0, data: payload(64, i) });
      writer.close();
    };
    try {
      save();
      expect.unreachable('the save should fail');
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      writer.abort();
    }
    expect(readFileSync(target)).toEqual(oldBytes());
    expect(leftovers(dir)).toEqual([]);
  });

  it('an I/O failure at close (temporary file removed underneath) throws CaptureFileError io and leaves the target untouched', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const target = join(dir, 'save.pcap');
    writeFileSync(target, oldBytes());
    const writer = openCaptureWriter(target, { format: 'pcap', linktype: 1 });
    writer.write({ tsSec: 1, tsNsec: 0, data: payload(10) });
    for (const name of leftovers(dir)) unlinkSync(join(dir, name));
    let caught: unknown;
    try {
      writer.close();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CaptureFileError);
    expect((caught as CaptureFileError).code).toBe('io');
    expect((caught as CaptureFileError).message).toMatch(
      /^cannot write capture file .*save\.pcap at byte offset 50: /,
    );
    expect(readFileSync(target)).toEqual(oldBytes());
    expect(() => writer.write({ tsSec: 1, tsNsec: 0, data: payload(1) })).toThrow(/failed/);
    writer.abort();
  });

  it('writes a FIFO in place (a reader gets the file) instead of renaming a regular file over it', async () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const fifo = join(dir, 'pipe.pcap');
    execFileSync('mkfifo', [fifo]);
    // The reader is another process, as when a user pipes a save into another tool.
    const copy = join(dir, 'copy.pcap');
    const cat = spawn('sh', ['-c', 'cat "$0" > "$1"', fifo, copy]);
    const exited = new Promise((resolve) => cat.on('exit', resolve));
    const writer = openCaptureWriter(fifo, { format: 'pcap', linktype: 1 });
    for (let i = 0; i < 3000; i++) writer.write({ tsSec: i, tsNsec: 0, data: payload(100, i) });
    writer.close();
    expect(await exited).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(leftovers(dir)).toEqual([]);
    expect(readCaptureFileSync(copy).records).toHaveLength(3000);
  });

  it('leaves a character device such as /dev/null a device (nothing renamed over it)', () => {
    if (process.platform === 'win32' || !existsSync('/dev/null')) return;
    const before = statSync('/dev/null');
    expect(before.isCharacterDevice()).toBe(true);
    const writer = openCaptureWriter('/dev/null', { format: 'pcapng', linktype: 1 });
    writer.write({ tsSec: 1, tsNsec: 0, data: payload(10) });
    // No temporary file next to it: the device itself is written.
    expect(readdirSync('/dev').filter((n) => n.startsWith('null.tmp-'))).toEqual([]);
    writer.close();
    const after = statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
  });

  it('saves through a symbolic link to the file it names, and the link stays a link', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const target = join(dir, 'real.pcap');
    const link = join(dir, 'link.pcap');
    writeFileSync(target, oldBytes());
    symlinkSync('real.pcap', link);
    const writer = openCaptureWriter(link, { format: 'pcap', linktype: 1 });
    for (let i = 0; i < 10; i++) writer.write({ tsSec: i, tsNsec: 0, data: payload(50, i) });
    writer.close();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.pcap');
    expect(readCaptureFileSync(target).records).toHaveLength(10);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a missing directory throws CaptureFileError io at open', () => {
    for (const atomic of [true, false]) {
      let caught: unknown;
      try {
        openCaptureWriter(join(tmp, 'no', 'such', 'dir', 'x.pcap'), { format: 'pcap', linktype: 1, atomic });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CaptureFileError);
      expect(caught).toMatchObject({ code: 'io', offset: 0 });
      expect((caught as Error).message).toMatch(/^cannot create capture file .*x\.pcap: ENOENT/);
    }
  });
});

describe('live spool mode (atomic: false)', () => {
  it('writes the target directly; flush makes every record written so far readable', () => {
    const path = freshPath('pcapng');
    const writer = openCaptureWriter(path, { format: 'pcapng', linktype: 1, atomic: false });
    expect(existsSync(path)).toBe(true);
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 7; i++) writer.write({ tsSec: round, tsNsec: i, data: payload(30, i) });
      writer.flush();
      const snapshot = readCaptureFileSync(path);
      expect(snapshot.error).toBeNull();
      expect(snapshot.records).toHaveLength(7 * round);
    }
    writer.abort(); // non-atomic abort keeps what was written
    expect(readCaptureFileSync(path).records).toHaveLength(21);
  });

  it('without flush, records stay in the buffer (nothing but the header block is on disk yet)', () => {
    const path = freshPath('pcap');
    const writer = openCaptureWriter(path, { format: 'pcap', linktype: 1, atomic: false });
    writer.write({ tsSec: 1, tsNsec: 0, data: payload(30) });
    expect(readFileSync(path).length).toBe(0);
    writer.close();
    expect(readFileSync(path).length).toBe(24 + 16 + 30);
  });
});

describe('a byte sink sanity check of the fixture builder itself', () => {
  it('writes big-endian and little-endian integers as the spec lays them out', () => {
    expect(Array.from(new ByteSink('be').u32(0x0a0d0d0a).u16(0x1234).done())).toEqual([
      0x0a, 0x0d, 0x0d, 0x0a, 0x12, 0x34,
    ]);
    expect(Array.from(new ByteSink('le').u32(0xa1b2c3d4).i64(-1n).done())).toEqual([
      0xd4, 0xc3, 0xb2, 0xa1, 255, 255, 255, 255, 255, 255, 255, 255,
    ]);
  });
});
