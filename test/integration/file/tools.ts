/**
 * Helpers for the capture-file integration tests: run tshark / capinfos / editcap / randpkt (Debian
 * wireshark-common 4.0) with TZ=UTC and turn their output into values to compare with our reader.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import type { CaptureFileInfo, CaptureRecord } from '../../../src/main/engine/file/types';

export const TSHARK_FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'frame.comment',
  'frame.interface_id',
];

export function run(
  command: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('Running as user'))
      .join('\n'),
  };
}

/** tshark's fields output as rows of strings (one row per frame). */
export function tsharkRows(
  path: string,
  fields = TSHARK_FIELDS,
): { rows: string[][]; status: number | null; stderr: string } {
  const args = ['-r', path, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const { stdout, status, stderr } = run('tshark', args);
  const rows = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
  return { rows, status, stderr };
}

/** Key/value lines of `capinfos -M -S FILE` (exact numbers, times as epoch seconds). */
export function capinfos(path: string): Map<string, string[]> {
  const { stdout, status, stderr } = run('capinfos', ['-M', '-S', path]);
  expect(status, stderr).toBe(0);
  const map = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const match = /^([A-Za-z][^:]*):\s+(.*)$/.exec(line);
    if (!match) continue;
    const list = map.get(match[1]) ?? [];
    list.push(match[2].trim());
    map.set(match[1], list);
  }
  return map;
}

export function epochText(tsSec: number, tsNsec: number): string {
  return `${tsSec}.${String(tsNsec).padStart(9, '0')}`;
}

/**
 * Compares our records with tshark's rows for the same file: number, time, wire and captured length,
 * comment and (pcapng) interface id. A record without a timestamp (SPB) is one tshark prints no time for.
 */
export function expectRecordsMatchTshark(
  records: CaptureRecord[],
  info: CaptureFileInfo,
  rows: string[][],
  spbOffsets = new Set<number>(),
): void {
  expect(records.length).toBe(rows.length);
  records.forEach((r, i) => {
    const [number, time, len, capLen, comment, interfaceId] = rows[i];
    const what = `frame ${i + 1}`;
    expect(number, what).toBe(String(i + 1));
    if (spbOffsets.has(r.fileOffset)) {
      expect(time, what).toBe('');
      expect([r.tsSec, r.tsNsec], what).toEqual([0, 0]);
    } else {
      expect(time, what).toBe(epochText(r.tsSec, r.tsNsec));
    }
    expect(len, what).toBe(String(r.origLen));
    expect(capLen, what).toBe(String(r.caplen));
    expect(comment ?? '', what).toBe((r.comment ?? '').split('\n').join('|'));
    if (info.format === 'pcapng') expect(interfaceId, what).toBe(String(r.interfaceId));
    else expect(interfaceId ?? '', what).toBe('');
  });
}
