/**
 * DissectorTables: what dissection finds through a TableRef (an index array for small integers, a map
 * for the rest) must be what `lookup` answers by name, "decode as" overrides included.
 */
import { describe, expect, it } from 'vitest';
import { DissectorTables, tableRef, type ProtocolModule } from '../../../src/main/engine/decode/protocol';

function mod(abbrev: string, dissect = true): ProtocolModule {
  return { proto: { abbrev, short: abbrev.toUpperCase(), name: abbrev }, fields: [], ...(dissect ? { dissect: () => 1 } : {}) };
}

describe('DissectorTables', () => {
  it('finds small, large, fractional and string values through a TableRef as lookup does by name', () => {
    const t = new DissectorTables();
    const a = mod('a');
    const b = mod('b');
    const c = mod('c');
    const d = mod('d');
    for (const m of [a, b, c, d]) t.addModule(m);
    t.add('x.port', 25, a);
    t.add('x.port', 70000, b);
    t.add('x.port', 'name', c);
    t.add('x.port', 0, d);
    const ref = tableRef('x.port');
    expect(tableRef('x.port')).toBe(ref);
    for (const v of [25, 70000, 'name', 0, 1, 25.5, -1, 65535, 'other']) {
      expect(t.entry(ref, v)?.module, String(v)).toBe(t.lookup('x.port', v));
    }
    expect(t.entry(ref, 25)!.module).toBe(a);
    expect(t.entry(tableRef('x.none'), 25)).toBeUndefined();
  });

  it('applies "decode as" over a registered value and a new one, and skips modules without a dissector', () => {
    const t = new DissectorTables();
    const smtp = mod('smtp');
    const pop = mod('pop');
    const bare = mod('bare', false);
    for (const m of [smtp, pop, bare]) t.addModule(m);
    t.add('x.tcp', 25, smtp);
    t.add('x.tcp', 7, bare);
    t.decodeAs('x.tcp', 25, 'pop');
    t.decodeAs('x.tcp', 2525, 'smtp');
    const ref = tableRef('x.tcp');
    expect(t.entry(ref, 25)!.module).toBe(pop);
    expect(t.lookup('x.tcp', 25)).toBe(pop);
    expect(t.entry(ref, 2525)!.module).toBe(smtp);
    expect(t.entry(ref, 7)).toBeUndefined();
    expect(t.lookup('x.tcp', 7)).toBe(bare);
  });
});
