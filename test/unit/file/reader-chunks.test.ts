/**
 * Chunk boundaries: the live spool and a dumpcap child's stdout arrive in arbitrary pieces, so pushing
 * a file in random chunk sizes (1..4096 bytes) must give exactly the records and error of one push.
 * Fixtures come from corpus.ts (valid variants and the damaged-file table).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureParser } from '../../../src/main/engine/file/reader';
import type { CaptureFileError, CaptureRecord } from '../../../src/main/engine/file/types';
import { damagedCases, validFiles } from './corpus';

function plain(records: CaptureRecord[]) {
  return records.map((r) => ({ ...r, data: Buffer.from(r.data).toString('hex') }));
}

function plainError(error: CaptureFileError | null) {
  return error === null ? null : { code: error.code, offset: error.offset, message: error.message };
}

const files = [
  ...validFiles(),
  ...damagedCases().map((c) => ({ name: `damaged: ${c.name}`, bytes: c.bytes })),
];

describe('arbitrary chunk boundaries', () => {
  for (const file of files) {
    it(`${file.name}: random chunking equals one push`, () => {
      const whole = new CaptureParser();
      const expectedRecords = plain(whole.push(file.bytes.slice()));
      const expectedError = plainError(whole.end());
      const expectedInfo = whole.info;
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 64 }),
          fc.boolean(),
          (sizes, tiny) => {
            const parser = new CaptureParser();
            const records: CaptureRecord[] = [];
            const chunks: Uint8Array[] = [];
            let at = 0;
            for (let i = 0; at < file.bytes.length; i++) {
              // `tiny` mode uses sizes 1..8 to hit every split inside headers.
              const size = tiny ? (sizes[i % sizes.length] % 8) + 1 : sizes[i % sizes.length];
              const chunk = file.bytes.slice(at, at + size); // each chunk in its own ArrayBuffer
              chunks.push(chunk);
              records.push(...parser.push(chunk));
              at += size;
            }
            const error = parser.end();
            expect(plain(records)).toEqual(expectedRecords);
            expect(plainError(error)).toEqual(expectedError);
            expect(parser.info).toEqual(expectedInfo);
            // A record is either a view inside one pushed chunk or a private copy (it straddled chunks).
            const chunkBuffers = new Set(chunks.map((c) => c.buffer));
            for (const r of records) {
              if (!chunkBuffers.has(r.data.buffer)) continue;
              const owner = chunks.find((c) => c.buffer === r.data.buffer)!;
              expect(r.data.byteOffset + r.data.length).toBeLessThanOrEqual(owner.byteOffset + owner.length);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('copies a record that straddles two chunks, so reusing the chunk buffers afterwards cannot change it', () => {
    const file = validFiles()[0].bytes;
    const parser = new CaptureParser();
    const first = file.slice(0, 50); // header + part of record 1
    const second = file.slice(50);
    const records = [...parser.push(first), ...parser.push(second)];
    expect(parser.end()).toBeNull();
    const before = Buffer.from(records[0].data).toString('hex');
    first.fill(0xee);
    expect(Buffer.from(records[0].data).toString('hex')).toBe(before);
    expect(records[0].data.buffer).not.toBe(first.buffer);
    expect(records[0].data.buffer).not.toBe(second.buffer);
  });
});
