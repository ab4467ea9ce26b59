/**
 * The manuf table loader's fast paths (`HH:HH:HH<tab>` and `HH:HH:HH:HH:HH:HH[/NN]`) must read the
 * host's Wireshark manuf and wka files exactly as the general address parser does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ouiOf, parseTables } from '../../../src/main/engine/decode/resolve';

const MANUF = '/usr/share/wireshark/manuf';
const WKA = '/usr/share/wireshark/wka';

describe('manuf table', () => {
  it('reads HH:HH:HH lines by the fast path, other forms not', () => {
    expect(ouiOf('00:1B:21\tIntel\tIntel Corporate')).toBe(0x001b21);
    expect(ouiOf('fc:ff:aa\tx')).toBe(0xfcffaa);
    for (const line of ['00:1B:21:30\tX', '00-1B-21\tX', '00:1B:2G\tX', '# 00:1B:21\tX', '00:1B:21 X', '00:50:C2:00:00:00/36\tX', '00:1B:21\t']) {
      expect(ouiOf(line), line).toBe(-1);
    }
  });

  it('reads the manuf and wka files exactly as the general address parser does', () => {
    const manuf = existsSync(MANUF) ? readFileSync(MANUF, 'utf8') : '00:00:0C\tCisco\tCisco Systems, Inc\n00:50:C2:00:00:00/36\tT.L.S.\n';
    const wka = existsSync(WKA) ? readFileSync(WKA, 'utf8') : '';
    // With '-' between the bytes no line takes a fast path: the general parser reads them all.
    const dashed = (text: string) => text.split('\n').map((line) => (line.startsWith('#') ? line : line.replace(/^[^\t]+/, (a) => a.replace(/:/g, '-')))).join('\n');
    const fast = parseTables(manuf, wka);
    const general = parseTables(dashed(manuf), dashed(wka));
    expect(fast.oui.size).toBeGreaterThan(existsSync(MANUF) ? 30_000 : 0);
    expect(fast.oui).toEqual(general.oui);
    expect(fast.exact).toEqual(general.exact);
    expect(fast.masked).toEqual(general.masked);
  });
});
