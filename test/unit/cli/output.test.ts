/**
 * The byte-level output path (OutputBuffer.writeSummary / writeCells, FieldsPrinter.writeRow) must print
 * exactly the bytes of the string formatters it replaces (summaryLine(columnsOf(v)), FieldsPrinter.row)
 * encoded as UTF-8: column padding counted in UTF-8 bytes, the Info column cut to 4095 bytes never inside
 * a character, surrogate pairs, lone surrogates (U+FFFD, as Buffer.from), chunk boundaries.
 */
import { describe, expect, it } from 'vitest';
import { FieldsPrinter, OutputBuffer, columnsOf, summaryLine, type FrameView } from '../../../src/main/cli/output';
import { Columns, textPiece, type FrameInput, type LazyInfo, type TextWriter } from '../../../src/main/engine/decode/protocol';
import type { FrameResult } from '../../../src/main/engine/decode/session';
import { ProtoTree, TreeItem } from '../../../src/main/engine/decode/tree';
import type { FieldDef } from '../../../src/shared/fields';
import type { FieldsOptions } from '../../../src/main/cli/args';

function frameView(number: number, cols: { source: string; destination: string; protocol: string; info: string }, digits = 6): FrameView {
  const columns = new Columns(true);
  columns.source = cols.source;
  columns.destination = cols.destination;
  columns.protocol = cols.protocol;
  columns.info = cols.info;
  const frame: FrameInput = {
    number,
    tsSec: 1000 + number,
    tsNsec: (number * 7919) % 1e9,
    firstSec: 1000,
    firstNsec: 500,
    prevSec: 1000,
    prevNsec: 0,
    caplen: 60,
    origLen: 60 + number,
    linktype: 1,
    interfaceId: 0,
    data: new Uint8Array(60),
  };
  const result = { columns, tree: new ProtoTree('none'), sources: [], layers: [] } as unknown as FrameResult;
  return { frame, result, timeDigits: digits };
}

/** collect runs `write` against an OutputBuffer with a byte sink and returns the bytes as one Buffer. */
function collect(write: (out: OutputBuffer) => void): Buffer {
  const chunks: Buffer[] = [];
  const out = new OutputBuffer(
    () => {
      throw new Error('the byte sink should be used');
    },
    (bytes) => chunks.push(Buffer.from(bytes)),
  );
  write(out);
  out.flush();
  return Buffer.concat(chunks);
}

const SAMPLES = [
  { source: '10.0.0.25', destination: '192.168.7.16', protocol: 'TCP', info: '25 \u2192 40001 [SYN, ACK] Seq=0 Ack=1 Win=502 Len=0' },
  { source: 'fe80::1', destination: 'ff02::1:ff00:1234', protocol: 'ICMPv6', info: 'Neighbor Solicitation' },
  { source: 'Ünïcødé', destination: '名前', protocol: 'SMTP', info: 'S: 250 ok \ud83d\ude00 done' },
  { source: 'a', destination: 'b', protocol: 'X', info: 'lone \ud800 high and \udc00 low, end \ud83d' },
  { source: '', destination: '', protocol: '', info: '' },
  { source: '1.2.3.4', destination: '5.6.7.8', protocol: 'IMF', info: 'x'.repeat(5000) },
  { source: '1.2.3.4', destination: '5.6.7.8', protocol: 'IMF', info: 'é'.repeat(2100) },
  { source: '1.2.3.4', destination: '5.6.7.8', protocol: 'IMF', info: 'a' + '\ud83d\ude00'.repeat(1100) },
  { source: '1.2.3.4', destination: '5.6.7.8', protocol: 'IMF', info: 'ab' + '→'.repeat(1500) },
];

describe('OutputBuffer', () => {
  it('writes summary lines byte for byte as summaryLine(columnsOf(v))', () => {
    const views: FrameView[] = [];
    for (let i = 0; i < 3000; i++) views.push(frameView(i * 37 + 1, SAMPLES[i % SAMPLES.length], i % 3 === 0 ? 9 : 6));
    views.push(frameView(123456, SAMPLES[0], 0));
    const expected = Buffer.from(views.map((v) => summaryLine(columnsOf(v)) + '\n').join(''), 'utf8');
    const actual = collect((out) => views.forEach((v) => out.writeSummary(v)));
    expect(actual.equals(expected)).toBe(true);
  });

  it('lays out Source and Destination the same when address pairs repeat, collide in the cache and change', () => {
    // Hundreds of pairs (more than the block cache holds, many sharing a slot), each repeated in both
    // directions, the same texts as distinct strings, and longer than 12 bytes.
    const views: FrameView[] = [];
    for (let i = 0; i < 4000; i++) {
      const a = `10.0.${i % 7}.${(i * 13) % 251}`;
      const b = i % 5 === 0 ? `2001:db8::${(i % 300).toString(16)}:ffff:1` : `192.168.${i % 3}.${i % 250}`;
      const [source, destination] = i % 2 === 0 ? [a, b] : [b, a];
      views.push(frameView(i + 1, { source: source.slice(0), destination: `${destination}`, protocol: 'TCP', info: `${i}` }));
      views.push(frameView(i + 1, { source, destination, protocol: 'TCP', info: 'again' }));
    }
    const expected = Buffer.from(views.map((v) => summaryLine(columnsOf(v)) + '\n').join(''), 'utf8');
    const actual = collect((out) => views.forEach((v) => out.writeSummary(v)));
    expect(actual.equals(expected)).toBe(true);
  });

  it('writes a lazy Info part made of pieces, texts and numbers as its string form', () => {
    const texts = ['40004 \u2192 25 [', 'PSH, ACK] Seq=', 'é名', 'lone \ud800 and \udc00', 'pair \ud83d\ude00', ''];
    for (const t of texts) expect(Buffer.from(textPiece(t).bytes).equals(Buffer.from(new TextEncoder().encode(t)))).toBe(true);
    const lazy: LazyInfo = {
      write(out: TextWriter) {
        for (const t of texts) out.piece(textPiece(t));
        out.uint(4294967295);
        out.text(' Len=');
        out.uint(0);
      },
      maxBytes: () => 200,
    };
    const view = frameView(3, SAMPLES[0]);
    view.result.columns.info = '[TCP Retransmission] ';
    view.result.columns.appendInfoLazy(lazy);
    const expected = Buffer.from(summaryLine(columnsOf(view)) + '\n', 'utf8');
    expect(expected.toString()).toContain('[TCP Retransmission] 40004 \u2192 25 [PSH, ACK] Seq=é名lone \ufffd and \ufffdpair \ud83d\ude004294967295 Len=0');
    expect(collect((out) => out.writeSummary(view)).equals(expected)).toBe(true);
  });

  it('hands text to a string sink when it has no byte sink', () => {
    let text = '';
    const out = new OutputBuffer((t) => (text += t));
    out.write('héllo ');
    out.writeSummary(frameView(1, SAMPLES[0]));
    out.write('x'.repeat(100_000));
    out.flush();
    expect(text).toBe('héllo ' + summaryLine(columnsOf(frameView(1, SAMPLES[0]))) + '\n' + 'x'.repeat(100_000));
  });

  it('writes -T fields rows as FieldsPrinter.row', () => {
    const defs: Record<string, FieldDef> = {
      'frame.number': { abbrev: 'frame.number', name: 'Frame Number', type: 'uint32' },
      'ip.src': { abbrev: 'ip.src', name: 'Source Address', type: 'ipv4' },
      'smtp.req.parameter': { abbrev: 'smtp.req.parameter', name: 'Request parameter', type: 'string' },
    };
    const variants: FieldsOptions[] = [
      { separator: '\t', header: false, occurrence: 'a' as const, aggregator: ',', quote: '', bom: false },
      { separator: '→', header: false, occurrence: 'l' as const, aggregator: ';', quote: '"', bom: false },
      { separator: ' ', header: false, occurrence: 'f' as const, aggregator: ',', quote: "'", bom: false },
    ];
    for (const options of variants) {
      const printer = new FieldsPrinter(['frame.number', 'ip.src', 'smtp.req.parameter', '_ws.col.Info', 'ip.src'], (a) => defs[a], options);
      const views: FrameView[] = [];
      for (let i = 0; i < 50; i++) {
        const v = frameView(i + 1, SAMPLES[i % SAMPLES.length]);
        const tree = v.result.tree;
        tree.occurrences.push(new TreeItem(defs['frame.number'], i + 1, 0, 0, 0, undefined));
        if (i % 4 !== 0) tree.occurrences.push(new TreeItem(defs['ip.src'], 0xc0a80000 + i, 0, 0, 0, undefined));
        if (i % 3 === 0) tree.occurrences.push(new TreeItem(defs['ip.src'], 0x0a000001, 0, 0, 0, undefined));
        if (i % 5 === 1) tree.occurrences.push(new TreeItem(defs['smtp.req.parameter'], `<ü${i}@x>`, 0, 0, 0, undefined));
        views.push(v);
      }
      const expected = Buffer.from(views.map((v) => printer.row(v)).join(''), 'utf8');
      const actual = collect((out) => views.forEach((v) => printer.writeRow(out, v)));
      expect(actual.toString('utf8')).toBe(expected.toString('utf8'));
    }
  });
});
