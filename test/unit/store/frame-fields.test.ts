/** TreeFrameFields: grouping by abbrev in tree order, reuse across frames, data sources. */
import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../../src/shared/fields';
import { ProtoTree } from '../../../src/main/engine/decode/tree';
import { TreeFrameFields, frameFieldsOf } from '../../../src/main/engine/store/frame-fields';

const PORT: FieldDef = { abbrev: 'tcp.port', name: 'Port', type: 'uint16' };
const SRC: FieldDef = { abbrev: 'tcp.srcport', name: 'Source Port', type: 'uint16' };

function frame(ports: number[]): ProtoTree {
  const tree = new ProtoTree('fields', new Set(['tcp.port', 'tcp.srcport']));
  tree.add(null, SRC, 0, 34, 2, ports[0]);
  for (const p of ports) tree.add(null, PORT, 0, 34, 2, p);
  return tree;
}

describe('TreeFrameFields', () => {
  it('returns occurrences in tree order and undefined for absent fields', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const f = frameFieldsOf(frame([25, 51234]), [{ name: 'Frame', bytes }]);
    expect(f.get('tcp.port')?.map((o) => o.value)).toEqual([25, 51234]);
    expect(f.get('tcp.srcport')?.map((o) => o.value)).toEqual([25]);
    expect(f.get('udp.port')).toBeUndefined();
    expect(f.sourceBytes(0)).toBe(bytes);
    expect(f.sourceBytes(3)).toHaveLength(0);
  });

  it('is reused from frame to frame without leaking occurrences', () => {
    const f = new TreeFrameFields();
    f.reset(frame([25, 1000]), []);
    expect(f.get('tcp.port')).toHaveLength(2);
    f.reset(new ProtoTree('none'), []);
    expect(f.get('tcp.port')).toBeUndefined();
    f.reset(frame([110]), []);
    expect(f.get('tcp.port')?.map((o) => o.value)).toEqual([110]);
  });
});
