/**
 * Reader tests for every format variant. Fixtures are built in the test by `build.ts` from the specs;
 * each test says which structures it assembled. Expected values are the ones put into the fixture.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureParser, readCaptureFile, readCaptureFileSync } from '../../../src/main/engine/file/reader';
import type { CaptureRecord } from '../../../src/main/engine/file/types';
import {
  concat,
  customBlock,
  dsb,
  epb,
  idb,
  isb,
  nrb,
  packetBlock,
  payload,
  pcapFile,
  shb,
  spb,
  unknownBlock,
  type Endian,
} from './build';

function parseAll(bytes: Uint8Array): {
  records: CaptureRecord[];
  parser: CaptureParser;
  error: ReturnType<CaptureParser['end']>;
} {
  const parser = new CaptureParser();
  const records = parser.push(bytes);
  const error = parser.end();
  return { records, parser, error };
}

const tmp = mkdtempSync(join(tmpdir(), 'wirelab-reader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pcap variants', () => {
  // Built by pcapFile(): 24-byte header + two records, for each magic and byte order.
  const cases: { endian: Endian; nanosecond: boolean }[] = [
    { endian: 'le', nanosecond: false },
    { endian: 'be', nanosecond: false },
    { endian: 'le', nanosecond: true },
    { endian: 'be', nanosecond: true },
  ];
  for (const { endian, nanosecond } of cases) {
    it(`reads ${nanosecond ? 'ns' : 'µs'} pcap, ${endian.toUpperCase()}`, () => {
      const fraction = nanosecond ? 123456789 : 123456;
      const bytes = pcapFile({ endian, nanosecond, snaplen: 65535, linktype: 113 }, [
        { tsSec: 1700000000, tsFraction: fraction, data: payload(60) },
        { tsSec: 0xfffffffe, tsFraction: 7, data: payload(3, 5), origLen: 1514 },
      ]);
      const { records, parser, error } = parseAll(bytes);
      expect(error).toBeNull();
      expect(parser.info).toEqual({
        format: 'pcap',
        nanosecond,
        byteOrder: endian,
        versionMajor: 2,
        versionMinor: 4,
        compressed: false,
        interfaces: [{ linktype: 113, snaplen: 65535, tsResolNs: nanosecond ? 1 : 1000 }],
        comments: [],
      });
      expect(records).toHaveLength(2);
      expect(records[0]).toMatchObject({
        tsSec: 1700000000,
        tsNsec: 123456789 - (nanosecond ? 0 : 789),
        caplen: 60,
        origLen: 60,
        linktype: 113,
        interfaceId: 0,
        fileOffset: 24,
      });
      expect(records[0].data).toEqual(payload(60));
      expect(records[1]).toMatchObject({
        tsSec: 0xfffffffe,
        tsNsec: nanosecond ? 7 : 7000,
        caplen: 3,
        origLen: 1514,
        fileOffset: 24 + 16 + 60,
      });
      expect(records[1].data).toEqual(payload(3, 5));
      // The record data is a view into the pushed bytes at the record's data offset.
      expect(records[1].data.byteOffset).toBe(bytes.byteOffset + 24 + 76 + 16);
    });
  }

  it('keeps only the low 16 bits of the LinkType field as the link type (upper bits are FCS info)', () => {
    // LinkType field 0x04000001: the F bit set with FCS length 0 over LINKTYPE_ETHERNET.
    const { records, parser, error } = parseAll(
      pcapFile({ linktype: 0x04000001 }, [{ tsSec: 1, tsFraction: 0, data: payload(14) }]),
    );
    expect(error).toBeNull();
    expect(parser.info?.interfaces[0].linktype).toBe(1);
    expect(records[0].linktype).toBe(1);
  });

  it('keeps an unknown link type on the records without an error', () => {
    const { records, error } = parseAll(
      pcapFile({ linktype: 0xbeef, endian: 'be' }, [{ tsSec: 1, tsFraction: 0, data: payload(9) }]),
    );
    expect(error).toBeNull();
    expect(records[0].linktype).toBe(0xbeef);
  });

  it('reads caplen bytes when caplen > snaplen (as tshark does) and keeps caplen > origLen as is', () => {
    const { records, error } = parseAll(
      pcapFile({ snaplen: 64 }, [
        { tsSec: 1, tsFraction: 2, data: payload(100) },
        { tsSec: 3, tsFraction: 4, data: payload(20), origLen: 10 },
      ]),
    );
    expect(error).toBeNull();
    expect(records.map((r) => [r.caplen, r.origLen, r.data.length])).toEqual([
      [100, 100, 100],
      [20, 10, 20],
    ]);
  });

  it('reads a header-only file as zero records without an error', () => {
    const { records, parser, error } = parseAll(pcapFile({}, []));
    expect(records).toEqual([]);
    expect(error).toBeNull();
    expect(parser.info?.format).toBe('pcap');
  });
});

describe('pcapng variants', () => {
  for (const endian of ['le', 'be'] as const) {
    it(`reads SHB/IDB/EPB with names, comments and if_tsresol 6, 9 and 2^-20 (${endian.toUpperCase()})`, () => {
      // Built by hand: SHB(comment) + 3 IDBs (µs default, ns, 2^-20 with if_tsoffset) + NRB + EPBs with
      // comments + ISB + DSB + custom + unknown block + SPB + obsolete PB.
      const bytes = concat(
        shb(endian, { comment: 'lab session 1' }),
        idb(endian, { linktype: 1, snaplen: 262144, name: 'lo', description: 'Loopback' }),
        idb(endian, { linktype: 113, snaplen: 65535, name: 'any', tsresol: 9 }),
        idb(endian, { linktype: 0, snaplen: 0, tsresol: 0x80 | 20, tsoffset: 1000n }),
        nrb(endian),
        epb(endian, {
          interfaceId: 0,
          ticks: 1_700_000_000_123_456n,
          data: payload(60),
          comments: ['first'],
        }),
        epb(endian, {
          interfaceId: 1,
          ticks: 1_700_000_000_987_654_321n,
          data: payload(61, 1),
          origLen: 1500,
          comments: ['a', 'ü b'],
        }),
        isb(endian),
        dsb(endian),
        customBlock(endian),
        unknownBlock(endian),
        // 3 s + 12345/2^20 s = 3.011773109… s, plus the 1000 s offset
        epb(endian, { interfaceId: 2, ticks: (3n << 20n) + 12345n, data: payload(5) }),
        spb(endian, 70, payload(70, 3)),
        packetBlock(endian, { interfaceId: 1, ticks: 5_000_000_001n, data: payload(7) }),
      );
      const { records, parser, error } = parseAll(bytes);
      expect(error).toBeNull();
      expect(parser.info).toEqual({
        format: 'pcapng',
        nanosecond: true,
        byteOrder: endian,
        versionMajor: 1,
        versionMinor: 0,
        compressed: false,
        interfaces: [
          { linktype: 1, snaplen: 262144, name: 'lo', description: 'Loopback', tsResolNs: 1000 },
          { linktype: 113, snaplen: 65535, name: 'any', tsResolNs: 1 },
          { linktype: 0, snaplen: 0, tsResolNs: 1e9 / 2 ** 20, tsOffsetSec: 1000 },
        ],
        comments: ['lab session 1'],
      });
      expect(
        records.map((r) => [r.tsSec, r.tsNsec, r.caplen, r.origLen, r.linktype, r.interfaceId, r.comment]),
      ).toEqual([
        [1700000000, 123456000, 60, 60, 1, 0, 'first'],
        [1700000000, 987654321, 61, 1500, 113, 1, 'a\nü b'],
        [1003, 11773109, 5, 5, 0, 2, undefined],
        [0, 0, 70, 70, 1, 0, undefined], // SPB: interface 0, no timestamp
        [5, 1, 7, 7, 113, 1, undefined],
      ]);
      expect(records[1].data).toEqual(payload(61, 1));
      expect(records[3].data).toEqual(payload(70, 3));
      // fileOffset is the offset of each packet block
      for (const r of records)
        expect(
          new DataView(bytes.buffer).getUint32(r.fileOffset + 4, endian === 'le'),
        ).toBeGreaterThanOrEqual(16);
      const epbOffset = records[0].fileOffset;
      expect(bytes.subarray(epbOffset, epbOffset + 4)).toEqual(
        endian === 'le' ? Uint8Array.of(6, 0, 0, 0) : Uint8Array.of(0, 0, 0, 6),
      );
    });
  }

  it('cuts SPB data to the snaplen of interface 0', () => {
    // SHB + IDB(snaplen 10) + SPB(origLen 100, 10 bytes) + SPB(origLen 5, 5 bytes padded to 8)
    const { records, error } = parseAll(
      concat(shb('le'), idb('le', { snaplen: 10 }), spb('le', 100, payload(10)), spb('le', 5, payload(5))),
    );
    expect(error).toBeNull();
    expect(records.map((r) => [r.caplen, r.origLen])).toEqual([
      [10, 100],
      [5, 5],
    ]);
  });

  it('numbers interfaces over all sections and follows each section’s byte order', () => {
    // Section 1 (LE): IDB lo + EPB; section 2 (BE, comment): IDBs eth0, eth1 + EPBs on local ids 1 and 0.
    const bytes = concat(
      shb('le', { comment: 'one' }),
      idb('le', { name: 'lo' }),
      epb('le', { ticks: 1_000_000n, data: payload(4) }),
      shb('be', { comment: 'two' }),
      idb('be', { name: 'eth0', linktype: 1 }),
      idb('be', { name: 'eth1', linktype: 101, tsresol: 9 }),
      epb('be', { interfaceId: 1, ticks: 2_000_000_000n, data: payload(5) }),
      epb('be', { interfaceId: 0, ticks: 3_000_000n, data: payload(6) }),
    );
    const { records, parser, error } = parseAll(bytes);
    expect(error).toBeNull();
    expect(parser.info?.byteOrder).toBe('le');
    expect(parser.info?.comments).toEqual(['one', 'two']);
    expect(parser.info?.interfaces.map((i) => i.name)).toEqual(['lo', 'eth0', 'eth1']);
    expect(records.map((r) => [r.interfaceId, r.linktype, r.tsSec, r.tsNsec])).toEqual([
      [0, 1, 1, 0],
      [2, 101, 2, 0],
      [1, 1, 3, 0],
    ]);
  });

  it('converts 64-bit tick counts exactly for 10^-n and 2^-n resolutions, including BigInt-only ones', () => {
    // One IDB per resolution; an EPB on each with a large tick count; expected values computed with BigInt.
    const resolutions = [0, 3, 6, 9, 0x80 | 0, 0x80 | 10, 0x80 | 32, 12, 0x80 | 40];
    const ticks = 0xfedcba9876543210n;
    const bytes = concat(
      shb('le'),
      ...resolutions.map((tsresol) => idb('le', { tsresol })),
      ...resolutions.map((_, i) => epb('le', { interfaceId: i, ticks, data: payload(1) })),
    );
    const { records, error } = parseAll(bytes);
    expect(error).toBeNull();
    resolutions.forEach((tsresol, i) => {
      const units = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
      const sec = ticks / units;
      const nsec = ((ticks % units) * 1_000_000_000n) / units;
      if (sec <= BigInt(Number.MAX_SAFE_INTEGER)) expect(records[i].tsSec).toBe(Number(sec));
      else expect(records[i].tsSec).toBeCloseTo(Number(sec), -6);
      expect(records[i].tsNsec).toBe(Number(nsec));
    });
  });

  it('applies a negative if_tsoffset', () => {
    const { records } = parseAll(
      concat(shb('be'), idb('be', { tsoffset: -100n }), epb('be', { ticks: 150_000_001n, data: payload(2) })),
    );
    expect([records[0].tsSec, records[0].tsNsec]).toEqual([50, 1000]);
  });

  it('reads a header-only pcapng (SHB + IDB) as zero records without an error', () => {
    const { records, parser, error } = parseAll(concat(shb('le'), idb('le')));
    expect(records).toEqual([]);
    expect(error).toBeNull();
    expect(parser.info?.interfaces).toHaveLength(1);
  });
});

describe('files and gzip', () => {
  const pcapBytes = pcapFile({ nanosecond: true }, [
    { tsSec: 10, tsFraction: 1, data: payload(100) },
    { tsSec: 11, tsFraction: 2, data: payload(200, 9) },
    { tsSec: 12, tsFraction: 3, data: payload(300, 3) },
  ]);
  const ngBytes = concat(
    shb('be', { comment: 'gz' }),
    idb('be', { tsresol: 9 }),
    epb('be', { ticks: 10_000_000_001n, data: payload(40), comments: ['x'] }),
  );

  const summary = (records: CaptureRecord[]) => records.map((r) => ({ ...r, data: Array.from(r.data) }));

  for (const [name, bytes] of [
    ['pcap', pcapBytes],
    ['pcapng', ngBytes],
  ] as const) {
    it(`reads plain and gzip-compressed ${name} (zlib gzipSync of the fixture) with the same records`, async () => {
      const plainPath = join(tmp, `plain.${name}`);
      const gzPath = join(tmp, `packed.${name}.gz`);
      writeFileSync(plainPath, bytes);
      writeFileSync(gzPath, gzipSync(bytes));
      const plain = readCaptureFileSync(plainPath);
      const packed = readCaptureFileSync(gzPath);
      expect(plain.error).toBeNull();
      expect(packed.error).toBeNull();
      expect(plain.info.compressed).toBe(false);
      expect(packed.info.compressed).toBe(true);
      expect(summary(packed.records)).toEqual(summary(plain.records));
      const streamed: CaptureRecord[] = [];
      const result = await readCaptureFile(gzPath, (r) => streamed.push(r));
      expect(result).toMatchObject({ error: null, records: plain.records.length });
      expect(result.info.compressed).toBe(true);
      expect(summary(streamed)).toEqual(summary(plain.records));
    });
  }

  it('keeps the complete records of a truncated gzip stream and reports truncation', async () => {
    // 2000 records of 300 bytes (≈630 KB), gzipped, then cut in half.
    const big = pcapFile(
      {},
      Array.from({ length: 2000 }, (_, i) => ({ tsSec: i, tsFraction: 0, data: payload(300, i) })),
    );
    const packed = gzipSync(big, { level: 1 });
    const path = join(tmp, 'cut.pcap.gz');
    writeFileSync(path, packed.subarray(0, packed.length >> 1));
    const streamed: CaptureRecord[] = [];
    const result = await readCaptureFile(path, (r) => streamed.push(r));
    expect(result.error?.code).toBe('truncated');
    expect(result.records).toBe(streamed.length);
    expect(streamed.length).toBeGreaterThan(100);
    streamed.forEach((r, i) => {
      expect(r.tsSec).toBe(i);
      expect(r.data).toEqual(payload(300, i));
    });
    const sync = readCaptureFileSync(path);
    expect(sync.error?.code).toBe('truncated');
    expect(sync.records.length).toBeGreaterThan(100);
  });

  it('streams a multi-chunk file with readCaptureFile identically to one push, and honours abort', async () => {
    // 9000 records of 250..449 bytes ≈ 3.3 MB, so several 1 MiB chunks with straddling records.
    const bytes = concat(
      shb('le'),
      idb('le', { tsresol: 9 }),
      ...Array.from({ length: 9000 }, (_, i) =>
        epb('le', { ticks: BigInt(i) * 1_000_000_007n, data: payload(250 + (i % 200), i) }),
      ),
    );
    const path = join(tmp, 'multi.pcapng');
    writeFileSync(path, bytes);
    const streamed: CaptureRecord[] = [];
    const result = await readCaptureFile(path, (r) => streamed.push(r));
    expect(result.error).toBeNull();
    expect(result.records).toBe(9000);
    expect(summary(streamed)).toEqual(summary(parseAll(bytes).records));

    const controller = new AbortController();
    let seen = 0;
    const aborted = readCaptureFile(
      path,
      () => {
        if (++seen === 10) controller.abort(new Error('stop'));
      },
      { signal: controller.signal },
    );
    await expect(aborted).rejects.toThrow('stop');
    expect(seen).toBeLessThan(9000);
  });

  it('rejects when there is no file header at all, with a CaptureFileError', async () => {
    const path = join(tmp, 'not-a-capture.txt');
    writeFileSync(path, 'hello world, this is not a capture file');
    await expect(readCaptureFile(path, () => {})).rejects.toMatchObject({ code: 'bad-magic', offset: 0 });
    expect(() => readCaptureFileSync(path)).toThrow(/magic 0x68656c6c is neither pcap nor pcapng/);
    await expect(readCaptureFile(join(tmp, 'missing.pcap'), () => {})).rejects.toMatchObject({
      code: 'io',
      offset: 0,
    });
  });
});
