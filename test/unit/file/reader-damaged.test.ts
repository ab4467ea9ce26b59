/**
 * Damaged files: the table from TESTING.md "Robustness recipes" (fixtures in corpus.ts, built by hand)
 * and a property test that corrupts file, record and block headers at random. libpcap is the model:
 * keep every complete record, then stop with one CaptureFileError; never throw anything else and never
 * trust a length before checking it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureParser, MAX_CAPLEN } from '../../../src/main/engine/file/reader';
import { CaptureFileError, type CaptureRecord } from '../../../src/main/engine/file/types';
import { concat, epb, idb, payload, pcapHeader, pcapRecord, shb, type Endian } from './build';
import { damagedCases } from './corpus';

describe('damaged files table', () => {
  for (const c of damagedCases()) {
    it(`${c.name} → ${c.code ?? 'no error'}, ${c.kept} record(s) kept`, () => {
      const parser = new CaptureParser();
      const records = parser.push(c.bytes);
      const error = parser.end();
      expect(records).toHaveLength(c.kept);
      records.forEach((r, i) => {
        expect(r.tsSec).toBe(i + 1);
        expect(r.data).toEqual(payload(60));
      });
      if (c.code === null) {
        expect(error).toBeNull();
        return;
      }
      expect(error).toBeInstanceOf(CaptureFileError);
      expect(error?.code).toBe(c.code);
      expect(error?.offset).toBe(c.offset);
      if (typeof c.message === 'string') expect(error?.message).toBe(c.message);
      expect(error?.message).toContain(`byte offset ${c.offset}`);
      // The error is sticky: more input and a second end() change nothing.
      expect(parser.push(payload(100))).toEqual([]);
      expect(parser.end()).toBe(error);
    });
  }
});

interface Layout {
  bytes: Uint8Array;
  /** [start, end) of each record / packet block */
  extents: [number, number][];
  /** offsets of header bytes (file header, record headers, block headers/fixed fields/trailers) */
  headerBytes: number[];
}

const recordArb = fc.record({
  tsSec: fc.nat({ max: 0xffffffff }),
  tsFraction: fc.nat({ max: 999_999 }),
  length: fc.nat({ max: 400 }),
});

function buildPcap(
  endian: Endian,
  nanosecond: boolean,
  specs: { tsSec: number; tsFraction: number; length: number }[],
): Layout {
  const parts = [pcapHeader({ endian, nanosecond })];
  const extents: [number, number][] = [];
  const headerBytes = Array.from({ length: 24 }, (_, i) => i);
  let at = 24;
  specs.forEach((s, i) => {
    const rec = pcapRecord({ tsSec: s.tsSec, tsFraction: s.tsFraction, data: payload(s.length, i) }, endian);
    for (let k = 0; k < 16; k++) headerBytes.push(at + k);
    extents.push([at, at + rec.length]);
    parts.push(rec);
    at += rec.length;
  });
  return { bytes: concat(...parts), extents, headerBytes };
}

function buildPcapng(endian: Endian, specs: { tsSec: number; tsFraction: number; length: number }[]): Layout {
  const head = concat(shb(endian, { comment: 'x' }), idb(endian, { name: 'lo', tsresol: 9 }));
  const parts = [head];
  const extents: [number, number][] = [];
  const headerBytes = Array.from({ length: head.length }, (_, i) => i);
  let at = head.length;
  specs.forEach((s, i) => {
    const block = epb(endian, {
      ticks: BigInt(s.tsSec) * 1_000_000_000n + BigInt(s.tsFraction),
      data: payload(s.length, i),
      comments: i % 3 === 0 ? ['c'] : [],
    });
    for (let k = 0; k < 28; k++) headerBytes.push(at + k);
    for (let k = 4; k > 0; k--) headerBytes.push(at + block.length - k);
    extents.push([at, at + block.length]);
    parts.push(block);
    at += block.length;
  });
  return { bytes: concat(...parts), extents, headerBytes };
}

const layoutArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom<Endian>('le', 'be'),
      fc.boolean(),
      fc.array(recordArb, { minLength: 1, maxLength: 12 }),
    )
    .map(([e, ns, specs]) => buildPcap(e, ns, specs)),
  fc
    .tuple(fc.constantFrom<Endian>('le', 'be'), fc.array(recordArb, { minLength: 1, maxLength: 12 }))
    .map(([e, specs]) => buildPcapng(e, specs)),
);

/** A mutation: which byte (index into headerBytes, or anywhere) and its new value; or a truncation. */
const mutationArb = fc.oneof(
  fc.record({
    kind: fc.constant('header' as const),
    pick: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('anywhere' as const),
    pick: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), pick: fc.nat(), value: fc.constant(0) }),
);

function pushInChunks(
  bytes: Uint8Array,
  sizes: number[],
): { records: CaptureRecord[]; error: CaptureFileError | null } {
  const parser = new CaptureParser();
  const records: CaptureRecord[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes.length === 0 ? bytes.length : sizes[i % sizes.length];
    records.push(...parser.push(bytes.slice(at, at + size)));
    at += size;
  }
  return { records, error: parser.end() };
}

describe('random corruption of headers', () => {
  it('yields only CaptureFileErrors, keeps the records before the damage intact and never exceeds MAX_CAPLEN', () => {
    fc.assert(
      fc.property(
        layoutArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 5 }),
        (layout, mutations, sizes) => {
          const original = pushInChunks(layout.bytes, []);
          expect(original.error).toBeNull();
          let bytes = layout.bytes.slice();
          let firstDamage = bytes.length;
          for (const m of mutations) {
            if (m.kind === 'truncate') {
              const cut = m.pick % (bytes.length + 1);
              bytes = bytes.slice(0, cut);
              firstDamage = Math.min(firstDamage, cut);
              continue;
            }
            const position =
              m.kind === 'header'
                ? layout.headerBytes[m.pick % layout.headerBytes.length]
                : m.pick % layout.bytes.length;
            if (position >= bytes.length || bytes[position] === m.value) continue;
            bytes[position] = m.value;
            firstDamage = Math.min(firstDamage, position);
          }
          let result: ReturnType<typeof pushInChunks>;
          try {
            result = pushInChunks(bytes, sizes);
          } catch (error) {
            throw new Error(`parser threw ${String(error)}`);
          }
          const { records, error } = result;
          if (error !== null) {
            expect(error).toBeInstanceOf(CaptureFileError);
            expect(error.offset).toBeGreaterThanOrEqual(0);
            expect(error.offset).toBeLessThanOrEqual(bytes.length);
            expect(error.message).toMatch(/byte offset \d+/);
          }
          for (const r of records) {
            expect(r.data.length).toBeLessThanOrEqual(MAX_CAPLEN);
            expect(r.data.length).toBe(r.caplen);
          }
          const intact = layout.extents.filter(([, end]) => end <= firstDamage).length;
          expect(records.length).toBeGreaterThanOrEqual(intact);
          for (let i = 0; i < intact; i++) {
            const [a, b] = [records[i], original.records[i]];
            expect([a.tsSec, a.tsNsec, a.caplen, a.origLen, a.fileOffset, a.comment]).toEqual([
              b.tsSec,
              b.tsNsec,
              b.caplen,
              b.origLen,
              b.fileOffset,
              b.comment,
            ]);
            expect(a.data).toEqual(b.data);
          }
          if (firstDamage === bytes.length && bytes.length === layout.bytes.length) expect(error).toBeNull();
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('does not wait for (or allocate) a claimed 4 GiB record: the length is rejected from its header', () => {
    // pcap header + a record header claiming caplen 0xFFFFFFF0, pushed alone: the error comes at once.
    const parser = new CaptureParser();
    parser.push(
      concat(
        pcapHeader({}),
        new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 0xf0, 0xff, 0xff, 0xff]),
      ),
    );
    expect(parser.error?.code).toBe('bad-length');
  });
});
