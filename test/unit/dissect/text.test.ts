/**
 * text.ts helpers: formatPlainLines must give what the per-line loop gives (", " + formatTextWsp of each
 * line as findLineEnd splits them), stop before a line that needs escaping and honour its room.
 */
import { describe, expect, it } from 'vitest';
import { findLineEnd, formatPlainLines, formatTextWsp, type PlainLines } from '../../../src/main/engine/dissect/text';

function perLine(bytes: Uint8Array, start: number, end: number, room: number): PlainLines {
  let text = '';
  let at = start;
  while (at < end && text.length < room) {
    const line = findLineEnd(bytes, at, end);
    text += ', ' + formatTextWsp(bytes, line.start, line.next);
    at = line.next;
  }
  return { text, next: at };
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('formatPlainLines', () => {
  it('matches the per-line loop on plain lines (CRLF, LF, lone CR, TAB, unterminated end)', () => {
    for (const s of ['a\r\nb\r\n', 'one\ttwo\nthree\rfour\r\n\r\nfive', 'x', '\r\n', 'end\r']) {
      const b = enc(s);
      for (const room of [1, 3, 8, 100]) expect(formatPlainLines(b, 0, b.length, room, { text: '', next: 0 })).toEqual(perLine(b, 0, b.length, room));
    }
  });

  it('stops before a line that needs escaping (a backslash does not: tshark 4.0 prints it as it is)', () => {
    const b = enc('ok\r\nback\\slash\r\nctl\x01\r\nmore\r\n');
    expect(formatPlainLines(b, 0, b.length, 100, { text: '', next: 0 })).toEqual({ text: ', ok  , back\\slash  ', next: 16 });
    const c = enc('caf\xe9\r\n');
    expect(formatPlainLines(c, 0, c.length, 100, { text: '', next: 0 })).toEqual({ text: '', next: 0 });
  });
});
