import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64Decode, base64DecodeText, base64Encode, base64EncodeText } from '../../src/shared/base64';

describe('base64', () => {
  it('matches Node Buffer on random bytes and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const enc = base64Encode(bytes);
        expect(enc).toBe(Buffer.from(bytes).toString('base64'));
        expect(Buffer.from(base64Decode(enc)!)).toEqual(Buffer.from(bytes));
      }),
    );
  });
  it('encodes the handout account and Chinese text', () => {
    expect(base64EncodeText('test_20130418')).toBe('dGVzdF8yMDEzMDQxOA==');
    expect(base64DecodeText(base64EncodeText('实验一 SMTP'))).toBe('实验一 SMTP');
    expect(base64DecodeText('dXNlcm5hbWU6')).toBe('username:');
  });
  it('rejects text outside the alphabet', () => {
    expect(base64Decode('ab$d')).toBeUndefined();
    expect(base64Decode('a')).toBeUndefined();
    expect(base64Decode('====')).toBeUndefined();
  });
});
