/**
 * Failure and crash safety with real processes (the TypeScript sources run in a child through jiti,
 * which the toolchain already installs):
 *  - a save that fails midway with a real disk error (EFBIG from `ulimit -f` in the child) throws
 *    CaptureFileError('io') and leaves the existing target byte-identical, with no temporary file left;
 *  - the live spool (atomic: false, flush every 100 ms) survives `kill -9`: every record flushed before
 *    the kill reads back intact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFileSync } from '../../../src/main/engine/file/reader';
import { payload, pcapFile } from '../../unit/file/build';

const here = dirname(fileURLToPath(import.meta.url));
const writerModule = resolve(here, '../../../src/main/engine/file/writer.ts');
const jitiCli = join(
  dirname(createRequire(import.meta.url).resolve('jiti/package.json')),
  'lib',
  'jiti-cli.mjs',
);
const tmp = mkdtempSync(join(tmpdir(), 'wirelab-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function startChild(script: string, shellPrefix = ''): ReturnType<typeof spawn> {
  const path = join(tmp, `child-${Math.random().toString(16).slice(2)}.ts`);
  writeFileSync(path, script);
  const command = `${shellPrefix}exec "${process.execPath}" "${jitiCli}" "${path}"`;
  return spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('crash and failure safety', () => {
  it('a save that hits a real disk error (EFBIG) throws io and leaves the old file byte-identical', async () => {
    const dir = mkdtempSync(join(tmp, 'efbig-'));
    const target = join(dir, 'lab.pcapng');
    const oldBytes = Buffer.from(pcapFile({}, [{ tsSec: 7, tsFraction: 0, data: payload(200) }]));
    writeFileSync(target, oldBytes);
    const child = startChild(
      `import { openCaptureWriter } from ${JSON.stringify(writerModule)};
       const writer = openCaptureWriter(${JSON.stringify(target)}, { format: 'pcapng', linktype: 1 });
       try {
         for (let i = 0; i < 20000; i++) writer.write({ tsSec: i, tsNsec: 0, data: new Uint8Array(200) });
         writer.close();
         console.log(JSON.stringify({ ok: true }));
       } catch (error) {
         const e = error as { name: string; code: string; offset: number; message: string };
         console.log(JSON.stringify({ name: e.name, code: e.code, offset: e.offset, message: e.message }));
       }`,
      'ulimit -f 256; ', // bash counts 1024-byte blocks: writes past 256 KiB fail with EFBIG
    );
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim()) as {
      name: string;
      code: string;
      offset: number;
      message: string;
    };
    expect(report.name).toBe('CaptureFileError');
    expect(report.code).toBe('io');
    expect(report.message).toMatch(/^cannot write capture file .*lab\.pcapng at byte offset \d+: EFBIG/);
    expect(report.offset).toBeLessThanOrEqual(256 * 1024);
    expect(readFileSync(target)).toEqual(oldBytes);
    expect(readdirSync(dir)).toEqual(['lab.pcapng']);
  });

  it('the live spool (atomic: false, flush every 100 ms) keeps every flushed record after kill -9', async () => {
    const spool = join(tmp, 'spool.pcapng');
    const child = startChild(
      `import { openCaptureWriter } from ${JSON.stringify(writerModule)};
       const writer = openCaptureWriter(${JSON.stringify(spool)}, { format: 'pcapng', linktype: 1, atomic: false, nanosecond: true });
       let n = 0;
       setInterval(() => { // about 1000 records per second, in bursts of 10
         for (let k = 0; k < 10; k++, n++) writer.write({ tsSec: n, tsNsec: n, data: new Uint8Array(60 + (n % 100)).fill(n & 0xff) });
       }, 10);
       setInterval(() => { writer.flush(); console.log(n); }, 100);`,
    );
    let flushed = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      const counts = chunk.toString().trim().split('\n').map(Number);
      flushed = Math.max(flushed, ...counts);
    });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => done(signal)),
    );
    const deadline = Date.now() + 20_000;
    while (flushed < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(flushed).toBeGreaterThanOrEqual(1000);
    // bash exec'd node, so the child's pid is the writer's pid
    process.kill(child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const { records, error } = readCaptureFileSync(spool);
    // a kill can only cut the write in progress: at worst a truncated last record
    if (error !== null) expect(error.code).toBe('truncated');
    expect(records.length).toBeGreaterThanOrEqual(flushed);
    records.forEach((r, n) => {
      expect([r.tsSec, r.tsNsec, r.caplen]).toEqual([n, n, 60 + (n % 100)]);
      expect(r.data.every((b) => b === (n & 0xff))).toBe(true);
    });
  });
});
