/**
 * Cross-checks with the real tools (Debian tshark/capinfos/editcap/randpkt 4.0, tcpdump), run in the
 * test with TZ=UTC; nothing of their output is hard-coded.
 *  1. Files written by our writer: capinfos and `tshark -T fields` must report what we wrote.
 *  2. Files produced by randpkt, tcpdump (loopback UDP sent by this test) and editcap conversions
 *     (`-F pcap|nsecpcap|pcapng`), plain and gzip: our reader must match tshark record for record.
 *  3. Hand-built big-endian / exotic-resolution fixtures: our reader must match tshark.
 *  4. Damaged files where libpcap-style handling and tshark agree: same number of kept frames.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFile, readCaptureFileSync } from '../../../src/main/engine/file/reader';
import type { CaptureRecord, InterfaceInfo } from '../../../src/main/engine/file/types';
import {
  openCaptureWriter,
  type WritableRecord,
  type WriterOptions,
} from '../../../src/main/engine/file/writer';
import {
  concat,
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
} from '../../unit/file/build';
import { damagedCases } from '../../unit/file/corpus';
import { capinfos, epochText, expectRecordsMatchTshark, run, tsharkRows } from './tools';

const tmp = mkdtempSync(join(tmpdir(), 'wirelab-tshark-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Deterministic pseudo-random numbers (LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

function makeRecords(count: number, seed: number, interfaces = 1): WritableRecord[] {
  const next = lcg(seed);
  let tsSec = 1_600_000_000 + (next() % 1000);
  return Array.from({ length: count }, (_, i) => {
    tsSec += 1 + (next() % 3); // increasing, so capinfos' first/last are records 0 and n-1
    const length = next() % 1600;
    const record: WritableRecord = {
      tsSec,
      tsNsec: next() % 1_000_000_000,
      data: payload(length, i),
      interfaceId: i % interfaces,
    };
    if (next() % 4 === 0) record.origLen = length + (next() % 5000);
    if (next() % 5 === 0) record.comment = `comment ${i}: SMTP 250 OK`;
    return record;
  });
}

interface WriterCase {
  name: string;
  opts: WriterOptions;
  records: WritableRecord[];
}

const writerCases: WriterCase[] = [
  { name: 'pcap µs', opts: { format: 'pcap', linktype: 1 }, records: makeRecords(60, 1) },
  {
    name: 'pcap ns, snaplen 200',
    opts: { format: 'pcap', linktype: 113, nanosecond: true, snaplen: 200 },
    records: makeRecords(60, 2),
  },
  {
    name: 'pcapng µs',
    opts: { format: 'pcapng', linktype: 1, sectionComment: 'Wirelab lab 3' },
    records: makeRecords(60, 3),
  },
  {
    name: 'pcapng ns',
    opts: { format: 'pcapng', linktype: 276, nanosecond: true },
    records: makeRecords(60, 4),
  },
  {
    name: 'pcapng, three interfaces (µs, ns + offset, ms + snaplen 96)',
    opts: {
      format: 'pcapng',
      linktype: 1,
      sectionComment: 'three interfaces',
      interfaces: [
        { linktype: 1, snaplen: 262144, name: 'lo', description: 'Loopback', tsResolNs: 1000 },
        { linktype: 113, snaplen: 0, name: 'any', tsResolNs: 1, tsOffsetSec: 3600 },
        { linktype: 0, snaplen: 96, name: 'null0', tsResolNs: 1_000_000 },
      ],
    },
    records: makeRecords(90, 5, 3),
  },
];

/** What a reader must see for a written record (timestamp cut to the resolution, data to the snaplen). */
function expectedOf(c: WriterCase, r: WritableRecord) {
  const iface: InterfaceInfo = c.opts.interfaces?.[r.interfaceId ?? 0] ?? {
    linktype: c.opts.linktype,
    snaplen: c.opts.snaplen ?? 262144,
    tsResolNs: c.opts.nanosecond ? 1 : 1000,
  };
  const snaplen = iface.snaplen === 0 ? 262144 : iface.snaplen;
  return {
    time: epochText(r.tsSec, Math.floor(r.tsNsec / iface.tsResolNs) * iface.tsResolNs),
    len: r.origLen ?? r.data.length,
    capLen: Math.min(snaplen, r.data.length),
    comment: c.opts.format === 'pcapng' ? (r.comment ?? '') : '',
    interfaceId: c.opts.format === 'pcapng' ? String(r.interfaceId ?? 0) : '',
  };
}

describe('files written by openCaptureWriter, read by capinfos and tshark', () => {
  for (const c of writerCases) {
    it(c.name, () => {
      const path = join(tmp, `written-${c.name.replace(/\W+/g, '-')}.${c.opts.format}`);
      const writer = openCaptureWriter(path, c.opts);
      for (const r of c.records) writer.write(r);
      writer.close();

      const { rows, status, stderr } = tsharkRows(path);
      expect(status, stderr).toBe(0);
      expect(stderr).toBe('');
      expect(rows).toHaveLength(c.records.length);
      c.records.forEach((r, i) => {
        const e = expectedOf(c, r);
        expect(rows[i], `frame ${i + 1}`).toEqual([
          String(i + 1),
          e.time,
          String(e.len),
          String(e.capLen),
          e.comment,
          e.interfaceId,
        ]);
      });

      const info = capinfos(path);
      expect(info.get('Number of packets')).toEqual([String(c.records.length)]);
      expect(info.get('File type')).toEqual([
        c.opts.format === 'pcapng' ? 'pcapng' : c.opts.nanosecond ? 'nsecpcap' : 'pcap',
      ]);
      // capinfos prints times with the file's precision (6 or 9 digits): compare as 9-digit fractions
      const nineDigits = (text: string | undefined) =>
        text === undefined ? undefined : text.replace(/\.(\d+)$/, (_, f: string) => `.${f.padEnd(9, '0')}`);
      expect(nineDigits(info.get('First packet time')?.[0])).toBe(expectedOf(c, c.records[0]).time);
      expect(nineDigits(info.get('Last packet time')?.[0])).toBe(
        expectedOf(c, c.records[c.records.length - 1]).time,
      );
      if (c.opts.format === 'pcapng') {
        expect(info.get('Capture application')).toEqual(['Wirelab']);
        expect(info.get('Capture comment') ?? []).toEqual(
          c.opts.sectionComment === undefined ? [] : [c.opts.sectionComment],
        );
        expect(info.get('Number of interfaces in file')).toEqual([String(c.opts.interfaces?.length ?? 1)]);
      }

      // and our own reader agrees with tshark on the same file
      const ours = readCaptureFileSync(path);
      expect(ours.error).toBeNull();
      expectRecordsMatchTshark(ours.records, ours.info, rows);
    });
  }
});

/** Runs tcpdump on lo while this test sends UDP datagrams to itself on 127.0.0.1. */
async function captureLoopback(path: string, datagrams: number, extraArgs: string[]): Promise<void> {
  const receiver = createSocket('udp4');
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  const port = receiver.address().port;
  const tcpdump = spawn(
    'tcpdump',
    ['-i', 'lo', '-U', '-n', '-c', String(datagrams), ...extraArgs, '-w', path, `udp and dst port ${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => tcpdump.on('exit', (code) => resolve(code)));
  const watchdog = setTimeout(() => tcpdump.kill('SIGKILL'), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      let text = '';
      tcpdump.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('listening on')) resolve();
      });
      tcpdump.on('exit', () => reject(new Error(`tcpdump exited early: ${text}`)));
    });
    const sender = createSocket('udp4');
    for (let i = 0; i < datagrams; i++) {
      await new Promise<void>((resolve, reject) =>
        sender.send(payload(10 + i * 97, i), port, '127.0.0.1', (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    sender.close();
    expect(await exited).toBe(0);
  } finally {
    clearTimeout(watchdog);
    receiver.close();
  }
}

describe('files from randpkt, tcpdump and editcap, read by us and by tshark', () => {
  const sources: { name: string; path: string }[] = [];

  beforeAll(async () => {
    const randpkt = join(tmp, 'randpkt.pcapng');
    const made = run('randpkt', ['-b', '500', '-c', '200', '-t', 'tcp', randpkt]);
    expect(made.status, made.stderr).toBe(0);
    const tcpdumpUs = join(tmp, 'tcpdump-us.pcap');
    await captureLoopback(tcpdumpUs, 8, []);
    const tcpdumpNs = join(tmp, 'tcpdump-ns.pcap');
    await captureLoopback(tcpdumpNs, 6, ['--time-stamp-precision=nano']);
    for (const [name, base] of [
      ['randpkt', randpkt],
      ['tcpdump', tcpdumpUs],
      ['tcpdump ns', tcpdumpNs],
    ] as const) {
      sources.push({ name: `${name} as written`, path: base });
      for (const format of ['pcap', 'nsecpcap', 'pcapng']) {
        const converted = `${base}.${format}`;
        const result = run('editcap', ['-F', format, base, converted]);
        expect(result.status, result.stderr).toBe(0);
        sources.push({ name: `${name} → editcap -F ${format}`, path: converted });
      }
      // gzip-compressed copy (zlib); tshark reads gzip natively
      const gz = `${base}.gz`;
      writeFileSync(gz, gzipSync(readFileSync(base)));
      sources.push({ name: `${name} gzip`, path: gz });
    }
  }, 120_000);

  it('every record matches tshark (time, lengths, comment, interface) for every source and conversion', async () => {
    expect(sources.length).toBe(15);
    for (const source of sources) {
      const { rows, status, stderr } = tsharkRows(source.path);
      expect(status, `${source.name}: ${stderr}`).toBe(0);
      const sync = readCaptureFileSync(source.path);
      expect(sync.error, source.name).toBeNull();
      expect(sync.records.length, source.name).toBeGreaterThan(0);
      expectRecordsMatchTshark(sync.records, sync.info, rows);
      const streamed: CaptureRecord[] = [];
      const result = await readCaptureFile(source.path, (r) => streamed.push(r));
      expect(result.error).toBeNull();
      expect(streamed.map((r) => [r.tsSec, r.tsNsec, r.caplen, Buffer.from(r.data).toString('hex')])).toEqual(
        sync.records.map((r) => [r.tsSec, r.tsNsec, r.caplen, Buffer.from(r.data).toString('hex')]),
      );
      expect(sync.info.compressed, source.name).toBe(source.path.endsWith('.gz'));
    }
  });

  it('the tcpdump capture holds the datagrams this test sent, byte for byte', () => {
    const { records, info } = readCaptureFileSync(sources.find((s) => s.name === 'tcpdump as written')!.path);
    expect(info).toMatchObject({ format: 'pcap', nanosecond: false });
    expect(info.interfaces[0].linktype).toBe(1); // LINKTYPE_ETHERNET on Linux lo
    records.forEach((r, i) => {
      // Ethernet 14 + IPv4 20 + UDP 8 bytes of headers, then our payload
      expect(r.data.subarray(42)).toEqual(payload(10 + i * 97, i));
    });
    const ns = readCaptureFileSync(sources.find((s) => s.name === 'tcpdump ns as written')!.path);
    expect(ns.info.nanosecond).toBe(true);
  });
});

describe('hand-built fixtures (big-endian, exotic resolutions, skipped blocks) read by us and by tshark', () => {
  const cases: { name: string; bytes: Uint8Array; spb?: boolean }[] = [
    {
      name: 'pcap µs BE (pcapFile)',
      bytes: pcapFile({ endian: 'be' }, [
        { tsSec: 1_700_000_000, tsFraction: 999_999, data: payload(60) },
        { tsSec: 1_700_000_001, tsFraction: 0, data: payload(1514, 1), origLen: 1514 },
      ]),
    },
    {
      name: 'pcap ns BE (pcapFile)',
      bytes: pcapFile({ endian: 'be', nanosecond: true }, [
        { tsSec: 1, tsFraction: 999_999_999, data: payload(42) },
      ]),
    },
    {
      name: 'pcap, caplen > snaplen (pcapFile, snaplen 64)',
      bytes: pcapFile({ snaplen: 64 }, [
        { tsSec: 1, tsFraction: 2, data: payload(100) },
        { tsSec: 3, tsFraction: 4, data: payload(20), origLen: 10 },
      ]),
    },
    ...(['le', 'be'] as const).map((endian) => ({
      name: `pcapng ${endian.toUpperCase()}: 3 IDBs (µs, ns, 2^-20 + if_tsoffset), NRB, ISB, DSB, unknown block, EPB comments, obsolete PB, SPB`,
      spb: true,
      bytes: concat(
        shb(endian, { comment: 'hand-built' }),
        idb(endian, { name: 'lo', snaplen: 262144 }),
        idb(endian, { name: 'any', linktype: 113, tsresol: 9 }),
        idb(endian, { name: 'two', tsresol: 0x80 | 20, tsoffset: 1000n }),
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
          data: payload(61),
          origLen: 1500,
          comments: ['a', 'b'],
        }),
        isb(endian),
        dsb(endian),
        unknownBlock(endian),
        epb(endian, { interfaceId: 2, ticks: (1_700_000_000n << 20n) + 123_457n, data: payload(5) }),
        packetBlock(endian, { interfaceId: 1, ticks: 5_000_000_001n, data: payload(7) }),
        spb(endian, 70, payload(70, 3)),
      ),
    })),
  ];
  for (const c of cases) {
    it(c.name, () => {
      const path = join(tmp, `hand-${c.name.replace(/\W+/g, '-')}`);
      writeFileSync(path, c.bytes);
      const { rows, status, stderr } = tsharkRows(path);
      expect(status, stderr).toBe(0);
      const ours = readCaptureFileSync(path);
      expect(ours.error).toBeNull();
      const spbOffsets = new Set(c.spb ? [ours.records[ours.records.length - 1].fileOffset] : []);
      expectRecordsMatchTshark(ours.records, ours.info, rows, spbOffsets);
    });
  }
});

describe('damaged files: kept frames agree with tshark where its reader is libpcap-like', () => {
  // Differences, listed in docs/file-formats.md: tshark guesses other pcap variants for absurd caplens and
  // for files shorter than a header, refuses unknown link types, and accepts block lengths that are not a
  // multiple of 4. Those cases are excluded here.
  const differing = new Set([
    'three bytes',
    'pcapng SHB cut',
    'pcap caplen 0xFFFFFFF0',
    'pcap caplen 300000',
    'pcap unknown link type',
    'pcapng block length not a multiple of 4',
  ]);
  for (const c of damagedCases().filter((d) => !differing.has(d.name))) {
    it(c.name, () => {
      const path = join(tmp, `damaged-${c.name.replace(/\W+/g, '-')}`);
      writeFileSync(path, c.bytes);
      const { rows, status } = tsharkRows(path, ['frame.number']);
      expect(rows).toHaveLength(c.kept);
      // tshark fails exactly when we report an error, except that it accepts an empty file.
      expect(status !== 0).toBe(c.code !== null && c.name !== 'empty file');
    });
  }
});
