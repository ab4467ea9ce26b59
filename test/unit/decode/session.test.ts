import { describe, expect, it } from 'vitest';
import { DissectionSession } from '../../../src/main/engine/decode/session';
import { decodeModules } from '../../../src/main/engine/decode/index';
import type { FrameInput } from '../../../src/main/engine/decode/protocol';

function frameOf(data: number[], over: Partial<FrameInput> = {}): FrameInput {
  const bytes = Uint8Array.from(data);
  return {
    number: 1, tsSec: 1_700_000_000, tsNsec: 123_456_789, firstSec: 1_700_000_000, firstNsec: 0,
    prevSec: 1_700_000_000, prevNsec: 0, caplen: bytes.length, origLen: bytes.length,
    linktype: 9999, interfaceId: 0, data: bytes, ...over,
  };
}

describe('DissectionSession', () => {
  it('shows an unknown link type as Data and keeps frame fields, byte ranges included', () => {
    const session = new DissectionSession(decodeModules);
    const r = session.dissect(frameOf([1, 2, 3, 4]), { firstPass: true, mode: 'full' });
    expect(r.layers).toEqual(['frame', 'data']);
    const data = r.tree.get('data.data')[0];
    expect([data.src, data.start, data.length]).toEqual([0, 0, 4]);
    expect(r.tree.get('frame.time_relative')[0].value).toBeCloseTo(0.123456789, 9);
    expect(r.tree.get('frame.protocols')[0].value).toBe('data');
  });

  it('keeps only interesting fields in fields mode and nothing in none mode', () => {
    const session = new DissectionSession(decodeModules);
    const f = session.dissect(frameOf([1, 2]), { firstPass: true, mode: 'fields', interest: new Set(['frame.len']) });
    expect(f.tree.occurrences.map((o) => o.field.abbrev)).toEqual(['frame.len']);
    expect(f.tree.roots).toHaveLength(0);
    const n = session.dissect(frameOf([1, 2]), { firstPass: true, mode: 'none' });
    expect(n.tree.occurrences).toHaveLength(0);
  });

  it('rejects unknown preferences with a clear message', () => {
    expect(() => new DissectionSession(decodeModules, { prefs: { 'smtp.nope': 'TRUE' } })).toThrow(/No such preference/);
  });
});
