/**
 * Shared fixtures for the reader tests: a set of valid files covering every variant and the damaged-file
 * table (libpcap's behaviour is the model: every complete record kept, then one precise error). All of
 * them are built by `build.ts` from the specs; each entry says how.
 */
import type { CaptureFileErrorCode } from '../../../src/main/engine/file/types';
import {
  concat,
  customBlock,
  epb,
  idb,
  isb,
  nrb,
  packetBlock,
  payload,
  pcapFile,
  pcapHeader,
  pcapRecord,
  shb,
  spb,
  unknownBlock,
  ByteSink,
} from './build';

export interface NamedFile {
  name: string;
  bytes: Uint8Array;
}

/** Valid files of every variant. */
export function validFiles(): NamedFile[] {
  const records = (n: number, size: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => ({
      tsSec: 1_700_000_000 + i,
      tsFraction: i * 7,
      data: payload(size(i), i),
    }));
  const files: NamedFile[] = [
    {
      name: 'pcap µs LE (pcapFile)',
      bytes: pcapFile(
        {},
        records(40, (i) => 40 + ((i * 37) % 300)),
      ),
    },
    {
      name: 'pcap µs BE (pcapFile)',
      bytes: pcapFile(
        { endian: 'be' },
        records(40, (i) => (i * 53) % 200),
      ),
    },
    {
      name: 'pcap ns LE (pcapFile)',
      bytes: pcapFile(
        { nanosecond: true },
        records(10, (i) => 2000 + i),
      ),
    },
    {
      name: 'pcap ns BE (pcapFile)',
      bytes: pcapFile(
        { nanosecond: true, endian: 'be' },
        records(30, (i) => i),
      ),
    },
    { name: 'pcap header only', bytes: pcapHeader({}) },
  ];
  for (const endian of ['le', 'be'] as const) {
    files.push({
      name: `pcapng ${endian} every block kind (shb, 3 idb, nrb, epb with comments, isb, custom, unknown, spb, pb)`,
      bytes: concat(
        shb(endian, { comment: 'section' }),
        idb(endian, { name: 'lo', snaplen: 262144 }),
        idb(endian, { name: 'any', linktype: 113, tsresol: 9 }),
        idb(endian, { tsresol: 0x80 | 20, tsoffset: 5n }),
        nrb(endian),
        ...Array.from({ length: 30 }, (_, i) =>
          epb(endian, {
            interfaceId: i % 3,
            ticks: BigInt(i) * 123_456_789_123n,
            data: payload((i * 97) % 700, i),
            comments: i % 4 === 0 ? [`c${i}`] : [],
          }),
        ),
        isb(endian),
        customBlock(endian),
        unknownBlock(endian),
        spb(endian, 300, payload(300)),
        packetBlock(endian, { interfaceId: 1, ticks: 99n, data: payload(33) }),
        shb(endian === 'le' ? 'be' : 'le', { comment: 'second section' }),
        idb(endian === 'le' ? 'be' : 'le', { name: 'eth0' }),
        epb(endian === 'le' ? 'be' : 'le', { ticks: 1n, data: payload(5000) }),
      ),
    });
  }
  return files;
}

export interface DamagedCase {
  name: string;
  bytes: Uint8Array;
  code: CaptureFileErrorCode | null;
  offset?: number;
  message?: RegExp | string;
  kept: number;
}

/** pcap µs LE with three 60-byte records at offsets 24, 100, 176 (end 252). */
function pcapBase(third?: { caplen?: number }): Uint8Array {
  return concat(
    pcapHeader({}),
    pcapRecord({ tsSec: 1, tsFraction: 1, data: payload(60) }),
    pcapRecord({ tsSec: 2, tsFraction: 2, data: payload(60) }),
    pcapRecord({ tsSec: 3, tsFraction: 3, data: payload(60), caplen: third?.caplen }),
  );
}

/** pcapng LE: SHB (28 bytes) + IDB (20) + three EPBs of 92 bytes at offsets 48, 140, 232 (end 324). */
function pcapngBase(third: Uint8Array = epb('le', { ticks: 3_000_000n, data: payload(60) })): Uint8Array {
  return concat(
    shb('le'),
    idb('le'),
    epb('le', { ticks: 1_000_000n, data: payload(60) }),
    epb('le', { ticks: 2_000_000n, data: payload(60) }),
    third,
  );
}

/** The EPB of pcapngBase with its header/trailer lengths overridden. */
const epbWithLengths = (header: number, trailer = header) =>
  epb('le', { ticks: 3_000_000n, data: payload(60) }, { header, trailer });

export function damagedCases(): DamagedCase[] {
  const pcap = pcapBase();
  const ng = pcapngBase();
  const wrongMagic = pcap.slice();
  wrongMagic.set([0x12, 0x34, 0x56, 0x78], 0);
  const badShbMagic = ng.slice();
  badShbMagic.set([1, 2, 3, 4], 8);
  return [
    {
      name: 'empty file',
      bytes: new Uint8Array(0),
      code: 'truncated',
      offset: 0,
      message: 'empty file at byte offset 0: 0 bytes, no pcap or pcapng header',
      kept: 0,
    },
    { name: 'pcap header only', bytes: pcap.subarray(0, 24), code: null, kept: 0 },
    { name: 'pcapng SHB only', bytes: ng.subarray(0, 28), code: null, kept: 0 },
    {
      name: 'pcap file header cut at 10 bytes',
      bytes: pcap.subarray(0, 10),
      code: 'truncated',
      offset: 0,
      message: 'truncated file header at byte offset 0: need 24 bytes, 10 available',
      kept: 0,
    },
    {
      name: 'three bytes',
      bytes: pcap.subarray(0, 3),
      code: 'truncated',
      offset: 0,
      message: 'truncated file header at byte offset 0: need 4 bytes, 3 available',
      kept: 0,
    },
    {
      name: 'pcap last record header cut',
      bytes: pcap.subarray(0, 176 + 10),
      code: 'truncated',
      offset: 176,
      message: 'truncated record header at byte offset 176: need 16 bytes, 10 available',
      kept: 2,
    },
    {
      name: 'pcap last record data cut',
      bytes: pcap.subarray(0, 176 + 16 + 30),
      code: 'truncated',
      offset: 176,
      message: 'truncated record at byte offset 176: need 76 bytes, 46 available',
      kept: 2,
    },
    {
      name: 'wrong magic',
      bytes: wrongMagic,
      code: 'bad-magic',
      offset: 0,
      message: 'unknown file format at byte offset 0: magic 0x12345678 is neither pcap nor pcapng',
      kept: 0,
    },
    {
      name: 'pcap version 1.0',
      bytes: concat(pcapHeader({ versionMajor: 1, versionMinor: 0 }), pcap.subarray(24)),
      code: 'bad-version',
      offset: 4,
      message: 'unsupported pcap version 1.0 at byte offset 4: only 2.4 is supported',
      kept: 0,
    },
    {
      name: 'pcap caplen 0xFFFFFFF0',
      bytes: pcapBase({ caplen: 0xfffffff0 }),
      code: 'bad-length',
      offset: 176,
      message: 'record at byte offset 176: captured length 4294967280 exceeds the maximum of 262144',
      kept: 2,
    },
    {
      name: 'pcap caplen 300000',
      bytes: pcapBase({ caplen: 300000 }),
      code: 'bad-length',
      offset: 176,
      message: 'record at byte offset 176: captured length 300000 exceeds the maximum of 262144',
      kept: 2,
    },
    {
      name: 'pcap unknown link type',
      bytes: concat(pcapHeader({ linktype: 0xfff0 }), pcap.subarray(24)),
      code: null,
      kept: 3,
    },
    {
      name: 'pcapng block length 0',
      bytes: pcapngBase(epbWithLengths(0)),
      code: 'bad-length',
      offset: 232,
      message: 'block at byte offset 232: total length 0 is less than the minimum of 12',
      kept: 2,
    },
    {
      name: 'pcapng block length 8',
      bytes: pcapngBase(epbWithLengths(8)),
      code: 'bad-length',
      offset: 232,
      message: 'block at byte offset 232: total length 8 is less than the minimum of 12',
      kept: 2,
    },
    {
      name: 'pcapng block length not a multiple of 4',
      bytes: pcapngBase(epbWithLengths(90)),
      code: 'bad-length',
      offset: 232,
      message: 'block at byte offset 232: total length 90 is not a multiple of 4',
      kept: 2,
    },
    {
      name: 'pcapng header length ≠ trailer length',
      bytes: pcapngBase(epbWithLengths(92, 96)),
      code: 'bad-block',
      offset: 232,
      message: 'block at byte offset 232: total length 92 in the header does not match 96 in the trailer',
      kept: 2,
    },
    {
      name: 'pcapng block length 0xFFFFFFF0',
      bytes: pcapngBase(epbWithLengths(0xfffffff0)),
      code: 'bad-length',
      offset: 232,
      message: 'block at byte offset 232: total length 4294967280 exceeds the maximum of 16777216',
      kept: 2,
    },
    {
      name: 'pcapng EPB shorter than its fixed fields',
      bytes: pcapngBase(concat(new ByteSink('le').u32(6).u32(16).u32(0).u32(16).done())),
      code: 'bad-block',
      offset: 232,
      message: 'enhanced packet block at byte offset 232: total length 16 is less than its minimum of 32',
      kept: 2,
    },
    {
      name: 'pcapng EPB naming a missing interface',
      bytes: pcapngBase(epb('le', { interfaceId: 3, ticks: 3_000_000n, data: payload(60) })),
      code: 'bad-interface',
      offset: 232,
      message:
        'enhanced packet block at byte offset 232 names interface 3, but its section has 1 interface(s)',
      kept: 2,
    },
    {
      name: 'pcapng EPB caplen beyond its block',
      bytes: pcapngBase(epb('le', { ticks: 3_000_000n, data: payload(60), caplen: 64 })),
      code: 'bad-block',
      offset: 232,
      message:
        'enhanced packet block at byte offset 232: captured length 64 does not fit in a block of 92 bytes',
      kept: 2,
    },
    {
      name: 'pcapng EPB caplen 300000',
      bytes: pcapngBase(epb('le', { ticks: 3_000_000n, data: payload(60), caplen: 300000 })),
      code: 'bad-length',
      offset: 232,
      message:
        'enhanced packet block at byte offset 232: captured length 300000 exceeds the maximum of 262144',
      kept: 2,
    },
    {
      name: 'pcapng last block cut',
      bytes: ng.subarray(0, 232 + 50),
      code: 'truncated',
      offset: 232,
      message: 'truncated enhanced packet block at byte offset 232: need 92 bytes, 50 available',
      kept: 2,
    },
    {
      name: 'pcapng last block header cut',
      bytes: ng.subarray(0, 232 + 5),
      code: 'truncated',
      offset: 232,
      message: 'truncated block header at byte offset 232: need 8 bytes, 5 available',
      kept: 2,
    },
    {
      name: 'pcapng SHB cut',
      bytes: ng.subarray(0, 20),
      code: 'truncated',
      offset: 0,
      message: 'truncated section header block at byte offset 0: need 28 bytes, 20 available',
      kept: 0,
    },
    {
      name: 'pcapng bad byte-order magic',
      bytes: badShbMagic,
      code: 'bad-magic',
      offset: 8,
      message:
        'section header block at byte offset 0: byte-order magic 0x01020304 at byte offset 8 is not 0x1a2b3c4d',
      kept: 0,
    },
    {
      name: 'pcapng version 2.0',
      bytes: concat(shb('le', { versionMajor: 2 }), idb('le')),
      code: 'bad-version',
      offset: 12,
      message: 'unsupported pcapng version 2.0 at byte offset 12: only 1.x is supported',
      kept: 0,
    },
    {
      name: 'pcapng SPB before any IDB',
      bytes: concat(shb('le'), spb('le', 4, payload(4))),
      code: 'bad-interface',
      offset: 28,
      message: 'simple packet block at byte offset 28 needs interface 0, but its section has no interface',
      kept: 0,
    },
    {
      name: 'pcapng EPB in a new section that has no IDB yet',
      bytes: concat(ng, shb('le'), epb('le', { ticks: 4n, data: payload(4) })),
      code: 'bad-interface',
      offset: 324 + 28,
      kept: 3,
    },
  ];
}
