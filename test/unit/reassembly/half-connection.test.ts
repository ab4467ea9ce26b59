/**
 * HalfConnection: segment tables in → delivered chunks out (gopacket's reassembly test style), plus a
 * fast-check property (any segmentation, duplication and reordering within a window reassembles to the
 * original bytes) and 10^5 segments in reverse order (timing lives in bench/reassembly.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HalfConnection, ReassemblyBudget, type Chunk } from '../../../src/main/engine/reassembly/half-connection';
import { OrderedMap } from '../../../src/main/engine/reassembly/ordered-map';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt, seqMax } from '../../../src/shared/seq';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (chunks: Chunk<number>[]) => chunks.map((c) => new TextDecoder().decode(c.bytes)).join('');

interface Row {
  seq: number;
  data: string;
  syn?: boolean;
  fin?: boolean;
  rst?: boolean;
}

function run(rows: Row[], isn = 1000) {
  const h = new HalfConnection<number>();
  return rows.map((r, i) =>
    h.accept({ seq: seqAdd(isn, r.seq), payload: enc(r.data), syn: r.syn, fin: r.fin, rst: r.rst, tag: i + 1 }),
  );
}

describe('seq arithmetic', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
    expect(seqDiff(0xfffffff0, 0x10)).toBe(0x20);
    expect(seqLe(5, 5)).toBe(true);
    expect(seqMax(0xffffffff, 3)).toBe(3);
    expect(seqAdd(0xffffffff, 2)).toBe(1);
  });
});

describe('HalfConnection', () => {
  it('delivers in order and buffers reordered segments until the hole is filled', () => {
    const r = run([{ seq: 0, data: '', syn: true }, { seq: 6, data: 'world' }, { seq: 1, data: 'hello' }]);
    expect(r[1].status).toBe('out-of-order');
    expect(r[1].gap).toBe(5);
    expect(r[1].chunks).toEqual([]);
    expect(r[2].status).toBe('in-order');
    expect(r[2].chunks.map((c) => [c.offset, c.tag, c.payloadOffset])).toEqual([
      [0, 3, 0],
      [5, 2, 0],
    ]);
    expect(dec(r[2].chunks)).toBe('helloworld');
  });

  it('keeps the first copy of overlapping data and flags a conflict (buffered and delivered)', () => {
    const r = run([{ seq: 0, data: '', syn: true }, { seq: 4, data: 'DEFG' }, { seq: 6, data: 'xyZZ' }, { seq: 1, data: 'ABC' }]);
    expect(r[2].overlap).toBe(true);
    expect(r[2].conflict).toBe(true);
    expect(dec(r[3].chunks)).toBe('ABCDEFGZZ');
    const again = run([{ seq: 0, data: '', syn: true }, { seq: 1, data: 'ABCD' }, { seq: 2, data: 'Bc' }]);
    expect(again[2].status).toBe('retransmission');
    expect(again[2].conflict).toBe(true);
    const same = run([{ seq: 0, data: '', syn: true }, { seq: 1, data: 'ABCD' }, { seq: 2, data: 'BC' }]);
    expect(same[2].conflict).toBe(false);
  });

  it('delivers only the new tail of a retransmission that extends', () => {
    const r = run([{ seq: 0, data: '', syn: true }, { seq: 1, data: 'abc' }, { seq: 1, data: 'abcdef' }]);
    expect(r[2].status).toBe('partial-retransmission');
    expect(r[2].chunks.map((c) => [c.offset, c.payloadOffset, dec([c])])).toEqual([[3, 3, 'def']]);
  });

  it('handles sequence wrap (ISN 2^32 − 40)', () => {
    const isn = 2 ** 32 - 40;
    const rows: Row[] = [{ seq: 0, data: '', syn: true }];
    const text = 'x'.repeat(30) + 'across-the-wrap' + 'y'.repeat(30);
    for (let i = 0; i < text.length; i += 7) rows.push({ seq: 1 + i, data: text.slice(i, i + 7) });
    const r = run([rows[0], ...rows.slice(1).reverse()], isn);
    expect(dec(r.flatMap((x) => x.chunks))).toBe(text);
  });

  it('reports a lost segment as a gap when a cap forces the flush, and on RST', () => {
    const h = new HalfConnection<number>({ maxBufferedPerDirection: 8, tailBytes: 64 }, new ReassemblyBudget());
    h.accept({ seq: 0, payload: new Uint8Array(0), syn: true, tag: 0 });
    h.accept({ seq: 1, payload: enc('ab'), tag: 1 });
    expect(h.accept({ seq: 6, payload: enc('fgh'), tag: 2 }).status).toBe('out-of-order');
    const r = h.accept({ seq: 12, payload: enc('lmnopq'), tag: 3 });
    expect(r.flushed).toBe(true);
    expect(r.chunks.map((c) => [c.offset, c.gapBefore, dec([c])])).toEqual([
      [5, 3, 'fgh'],
      [11, 3, 'lmnopq'],
    ]);
    const g = new HalfConnection<number>();
    g.accept({ seq: 0, payload: new Uint8Array(0), syn: true, tag: 0 });
    g.accept({ seq: 5, payload: enc('later'), tag: 1 });
    const rst = g.accept({ seq: 1, payload: new Uint8Array(0), rst: true, tag: 2 });
    expect(rst.closed).toBe(true);
    expect(rst.chunks.map((c) => [c.gapBefore, dec([c])])).toEqual([[4, 'later']]);
  });

  it('jumps over a hole the peer acknowledged (a segment the capture never saw)', () => {
    const h = new HalfConnection<number>();
    h.accept({ seq: 1000, payload: enc(''), syn: true, tag: 1 });
    h.accept({ seq: 1001, payload: enc('220 hi\r\n'), tag: 2 });
    // "250 ok\r\n" (bytes 8..15) was not captured, but the client acknowledged it.
    h.notePeerAck(1001 + 16);
    const r = h.accept({ seq: 1001 + 16, payload: enc('334 x\r\n'), tag: 3 });
    expect(r.status).toBe('in-order');
    expect(r.gap).toBe(8);
    expect(r.chunks.map((c) => [c.offset, c.gapBefore])).toEqual([[16, 8]]);
    // Without such an ACK, data after a hole waits for it.
    const w = new HalfConnection<number>();
    w.accept({ seq: 1000, payload: enc(''), syn: true, tag: 1 });
    expect(w.accept({ seq: 1017, payload: enc('x'), tag: 2 }).status).toBe('out-of-order');
  });

  it('delivers data held after a hole once the peer acknowledged the hole, with the next segment', () => {
    const h = new HalfConnection<number>();
    h.accept({ seq: 1000, payload: enc(''), syn: true, tag: 1 });
    h.accept({ seq: 1001, payload: enc('aaaa'), tag: 2 });
    // bytes 4..7 were not captured; 8..11 and 16..19 (after a second hole) arrive and wait.
    expect(h.accept({ seq: 1009, payload: enc('cccc'), tag: 3 }).status).toBe('out-of-order');
    expect(h.accept({ seq: 1017, payload: enc('eeee'), tag: 4 }).status).toBe('out-of-order');
    // The peer acknowledges up to 12: the first hole will never be filled, the second may still be.
    h.notePeerAck(1013);
    const r = h.accept({ seq: 1013, payload: enc('dddd'), tag: 5 });
    expect(r.gap).toBe(4);
    expect(r.chunks.map((c) => [c.offset, c.gapBefore, c.tag, dec([c])])).toEqual([
      [8, 4, 3, 'cccc'],
      [12, 0, 5, 'dddd'],
      [16, 0, 4, 'eeee'],
    ]);
    expect(h.bufferedSegments).toBe(0);
    // An acknowledgement below the held data changes nothing.
    const w = new HalfConnection<number>();
    w.accept({ seq: 1000, payload: enc(''), syn: true, tag: 1 });
    w.accept({ seq: 1009, payload: enc('cccc'), tag: 2 });
    w.notePeerAck(1005);
    expect(w.accept({ seq: 1021, payload: enc('x'), tag: 3 }).chunks).toEqual([]);
    expect(w.bufferedSegments).toBe(2);
  });

  it('closes on FIN once every byte before it was delivered', () => {
    const r = run([{ seq: 0, data: '', syn: true }, { seq: 4, data: 'def', fin: true }, { seq: 1, data: 'abc' }]);
    expect(r[1].closed).toBe(false);
    expect(r[2].closed).toBe(true);
    expect(dec(r[2].chunks)).toBe('abcdef');
  });

  it('reassembles any segmentation, duplication and reordering within a window to the original', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (bytes, cuts, noise, isn) => {
          const segs: { off: number; len: number }[] = [];
          for (let off = 0, i = 0; off < bytes.length; i++) {
            const len = Math.min(cuts[i % cuts.length], bytes.length - off);
            segs.push({ off, len });
            off += len;
          }
          // duplicate some segments, then swap neighbours within a window of 8
          const order = [...segs];
          for (const n of noise.slice(0, 20)) order.push(segs[n % segs.length]);
          for (let i = 0; i < noise.length; i++) {
            const a = noise[i] % order.length;
            const b = Math.min(order.length - 1, a + (noise[(i + 1) % noise.length] % 8));
            [order[a], order[b]] = [order[b], order[a]];
          }
          const h = new HalfConnection<number>();
          h.accept({ seq: isn, payload: new Uint8Array(0), syn: true, tag: 0 });
          const out: number[] = [];
          for (const s of order) {
            const r = h.accept({ seq: seqAdd(isn, 1 + s.off), payload: bytes.subarray(s.off, s.off + s.len), tag: 1 });
            expect(r.conflict).toBe(false);
            for (const c of r.chunks) {
              expect(c.gapBefore).toBe(0);
              out.push(...c.bytes);
            }
          }
          expect(Uint8Array.from(out)).toEqual(bytes);
          expect(h.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finishes 10^5 one-byte segments in reverse order (bounded, sorted buffer)', () => {
    const n = 100_000;
    const h = new HalfConnection<number>({ maxBufferedPerDirection: 1 << 30, tailBytes: 65536 }, new ReassemblyBudget(1 << 30));
    h.accept({ seq: 0, payload: new Uint8Array(0), syn: true, tag: 0 });
    const one = new Uint8Array([0x61]);
    let delivered = 0;
    for (let i = n; i >= 1; i--) {
      const r = h.accept({ seq: i, payload: one, tag: i });
      for (const c of r.chunks) delivered += c.bytes.length;
    }
    expect(delivered).toBe(n);
    expect(h.bufferedSegments).toBe(0);
    expect(h.bufferedBytes).toBe(0);
  });
});

describe('HalfConnection.accept into a caller\'s result', () => {
  it('empties and fills the given result the same way as a new one', () => {
    const rows: { seq: number; data: string; syn?: boolean }[] = [
      { seq: 0, data: '', syn: true },
      { seq: 6, data: 'fgh' },
      { seq: 1, data: 'abcde' },
      { seq: 4, data: 'dexx' },
    ];
    const fresh = new HalfConnection<number>();
    const reused = new HalfConnection<number>();
    const into = { status: 'empty' as const, chunks: [], overlap: false, conflict: false, gap: 0, flushed: false, closed: false };
    rows.forEach((r, i) => {
      const seg = () => ({ seq: 1000 + r.seq, payload: enc(r.data), syn: r.syn, tag: i });
      const a = fresh.accept(seg());
      const b = reused.accept(seg(), into);
      expect(b).toBe(into);
      expect({ ...b, chunks: b.chunks.map((c) => ({ ...c })) }).toEqual({ ...a, chunks: a.chunks.map((c) => ({ ...c })) });
    });
    // The out-of-order 'fgh' came out with 'abcde'; the last segment overlapped delivered bytes.
    expect(into.overlap).toBe(true);
  });
});

describe('OrderedMap', () => {
  it('keeps keys sorted with floor/ceiling/min/delete', () => {
    const m = new OrderedMap<string>();
    for (const k of [50, 10, 30, 70, 20]) m.set(k, String(k));
    expect(m.entries().map((e) => e.key)).toEqual([10, 20, 30, 50, 70]);
    expect(m.floor(35)?.key).toBe(30);
    expect(m.ceiling(35)?.key).toBe(50);
    expect(m.floor(5)).toBeUndefined();
    expect(m.ceiling(71)).toBeUndefined();
    expect(m.delete(10)).toBe(true);
    expect(m.delete(10)).toBe(false);
    expect(m.min()?.key).toBe(20);
    expect(m.size).toBe(4);
  });
});
