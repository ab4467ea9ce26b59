import { describe, expect, it } from 'vitest';
import { FieldRegistry } from '../../src/shared/fields';

describe('FieldRegistry', () => {
  it('registers protocols and fields once and round-trips through JSON', () => {
    const reg = new FieldRegistry();
    reg.registerProtocol({ abbrev: 'smtp', short: 'SMTP', name: 'Simple Mail Transfer Protocol' });
    reg.registerFields('smtp', [{ abbrev: 'smtp.req.command', name: 'Command', type: 'string' }]);
    expect(() => reg.registerFields('smtp', [{ abbrev: 'smtp.req.command', name: 'x', type: 'string' }])).toThrow(/duplicate/);
    expect(() => reg.registerFields('smtp', [{ abbrev: 'pop.x', name: 'x', type: 'string' }])).toThrow(/prefixed/);
    const copy = FieldRegistry.fromJSON(JSON.parse(JSON.stringify(reg.toJSON())));
    expect(copy.get('smtp.req.command')?.name).toBe('Command');
    expect(copy.get('smtp')?.type).toBe('protocol');
  });
});
