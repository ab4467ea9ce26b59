/**
 * writeFileAtomic (mail and attachment saves): a regular file is replaced atomically; a target that is
 * not a regular file (/dev/null) is written in place, never replaced; a symlink keeps pointing at its
 * file, which gets the new bytes.
 */
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/main/engine/store/mail-messages';

const dir = mkdtempSync(join(tmpdir(), 'wirelab-write-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = new TextEncoder().encode('Subject: test\r\n\r\nbody\r\n');

describe('writeFileAtomic', () => {
  it('replaces a regular file and leaves no temporary file', () => {
    const path = join(dir, 'a.eml');
    writeFileSync(path, 'old');
    expect(writeFileAtomic(path, bytes)).toEqual({ path, bytes: bytes.length });
    expect(readFileSync(path)).toEqual(Buffer.from(bytes));
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('writes /dev/null in place: it stays the device', () => {
    if (process.platform === 'win32' || !existsSync('/dev/null')) return;
    const before = statSync('/dev/null');
    writeFileAtomic('/dev/null', bytes);
    const after = statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    expect(readdirSync('/dev').filter((n) => n.startsWith('null.tmp-'))).toEqual([]);
  });

  it('saves through a symlink to the file it names', () => {
    const real = join(dir, 'real.eml');
    const link = join(dir, 'link.eml');
    writeFileSync(real, 'old');
    symlinkSync('real.eml', link);
    writeFileAtomic(link, bytes);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.eml');
    expect(readFileSync(real)).toEqual(Buffer.from(bytes));
  });
});
