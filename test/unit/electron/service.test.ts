/**
 * The Electron service's path rule, derived from the contract: every argument METHODS marks as a path
 * (`path: 'read' | 'write'`) accepts only a path the user chose for that use — for every method, including
 * ones added later — and a refused call never reaches the engine. Also Open Recent persistence and the
 * Save dialog's filters.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi, type Mock } from 'vitest';
import { METHODS, type ArgSpec, type MethodName, type Service } from '../../../src/shared/contract';
import { createElectronService, pathArguments } from '../../../src/main/electron/service';
import { MAX_RECENT, RecentFiles, UserPaths, pathKey } from '../../../src/main/electron/user-files';
import { saveFiltersFor, saveFormatFor } from '../../../src/main/electron/host';

const READ = '/home/student/chosen-to-open.pcapng';
const WRITE = '/home/student/chosen-to-save.pcapng';

/** sampleArg builds a valid argument from its spec (objects are the two the contract has). */
function sampleArg(spec: ArgSpec, method: MethodName): unknown {
  switch (spec.kind) {
    case 'int':
      return Math.max(spec.min, 1);
    case 'string':
      return spec.path === 'read' ? READ : spec.path === 'write' ? WRITE : 'a';
    case 'boolean':
      return true;
    case 'enum':
      return spec.values[0];
    case 'intArray':
      return [Math.max(spec.min, 1)];
    case 'scalar':
      return 1;
    case 'object':
      return method === 'capture.start' ? { iface: 'lo' } : { format: 'pcapng', which: 'all' };
  }
}

function setup() {
  const engine = {} as Record<MethodName, Mock>;
  for (const method of Object.keys(METHODS) as MethodName[])
    engine[method] = vi.fn(async () => ({ done: method }));
  engine['capture.recoverable'].mockResolvedValue([]);
  const recent = new RecentFiles();
  const userPaths = new UserPaths(recent);
  const service = createElectronService({
    engine: engine as unknown as Service,
    dialogs: { open: async () => null, save: async () => null },
    userPaths,
    recent,
  });
  return {
    engine,
    service: service as unknown as Record<MethodName, (...args: unknown[]) => Promise<unknown>>,
    userPaths,
    recent,
  };
}

/** RECOVERY are the methods that take only a spool capture.recoverable listed. */
const RECOVERY = new Set<MethodName>(['capture.recover', 'capture.discardRecoverable']);
const withPaths = (Object.keys(METHODS) as MethodName[]).filter((m) => pathArguments(m).length > 0);

describe('path arguments come from the contract', () => {
  it('file.open reads and file.save writes; nothing else is marked read but recovering a spool', () => {
    expect(pathArguments('file.open')).toEqual([{ index: 0, access: 'read' }]);
    expect(pathArguments('file.save')).toEqual([{ index: 0, access: 'write' }]);
    expect(withPaths.filter((m) => pathArguments(m).some((p) => p.access === 'read'))).toEqual([
      'capture.recover',
      'capture.discardRecoverable',
      'file.open',
    ]);
  });

  it('every long string argument is marked as a path (an unmarked one would slip past the Electron host)', () => {
    for (const [method, specs] of Object.entries(METHODS)) {
      specs.forEach((spec, index) => {
        if (spec.kind === 'string' && spec.maxLength === 4096)
          expect(spec.path, `${method} argument ${index + 1}`).toBeDefined();
      });
    }
  });

  for (const method of withPaths) {
    it(`${method} refuses paths the user never chose and accepts chosen ones`, async () => {
      const { engine, service, userPaths } = setup();
      const args = METHODS[method].map((spec) => sampleArg(spec, method));
      await expect(service[method](...args)).rejects.toThrow(/only|chose/);
      expect(engine[method]).not.toHaveBeenCalled();
      // A path chosen for the other use does not count either.
      userPaths.allowOpen(WRITE, 'dialog');
      userPaths.allowSave(READ);
      await expect(service[method](...args)).rejects.toThrow();
      expect(engine[method]).not.toHaveBeenCalled();
      userPaths.allowOpen(READ, 'dialog');
      userPaths.allowSave(WRITE);
      if (RECOVERY.has(method)) {
        // A file chosen to be opened is not a spool listed for recovery.
        await expect(service[method](...args)).rejects.toThrow(/listed for recovery/);
        expect(engine[method]).not.toHaveBeenCalled();
        userPaths.allowOpen(READ, 'recovery');
      }
      await service[method](...args);
      expect(engine[method]).toHaveBeenCalledExactlyOnceWith(...args);
    });
  }

  it('a written file may be opened afterwards, and goes to Open Recent when it is a capture', async () => {
    const { service, userPaths, recent } = setup();
    userPaths.allowSave(WRITE);
    await service['file.save'](WRITE, { format: 'pcapng', which: 'all' });
    expect(userPaths.checkOpen(WRITE)).toBe(WRITE);
    expect(recent.list()).toEqual([WRITE]);
  });
});

describe('UserPaths and RecentFiles', () => {
  it('normalises absolute paths and refuses the rest', () => {
    expect(pathKey('/a/./b/../c.pcap')).toBe(path.resolve('/a/c.pcap'));
    for (const bad of ['', 'rel.pcap', './x', 'C', '/a\0b']) expect(pathKey(bad)).toBeUndefined();
  });

  it('persists Open Recent, newest first, deduplicated, capped, ignoring junk in the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-recent-'));
    const file = path.join(dir, 'recent.json');
    const recent = new RecentFiles(file);
    const changed = vi.fn();
    recent.onChange(changed);
    for (let i = 0; i < MAX_RECENT + 3; i++) recent.add(`/caps/${i}.pcap`);
    recent.add('/caps/5.pcap');
    expect(recent.list()[0]).toBe('/caps/5.pcap');
    expect(recent.list()).toHaveLength(MAX_RECENT);
    expect(new Set(recent.list()).size).toBe(MAX_RECENT);
    expect(new RecentFiles(file).list()).toEqual(recent.list());
    expect(changed).toHaveBeenCalledTimes(MAX_RECENT + 4);
    recent.remove('/caps/5.pcap');
    expect(JSON.parse(readFileSync(file, 'utf8'))).not.toContain('/caps/5.pcap');
    writeFileSync(file, JSON.stringify(['relative', 42, '/ok.pcap', { __proto__: 1 }]));
    expect(new RecentFiles(file).list()).toEqual(['/ok.pcap']);
    writeFileSync(file, '{not json');
    expect(new RecentFiles(file).list()).toEqual([]);
  });
});

describe('save dialog', () => {
  it('offers capture formats for captures and the extension of anything else', () => {
    expect(saveFiltersFor('capture.pcapng').map((f) => f.extensions[0])).toEqual(['pcapng', 'pcap']);
    expect(saveFiltersFor('message.eml')).toEqual([
      { name: 'EML', extensions: ['eml'] },
      { name: 'All files', extensions: ['*'] },
    ]);
    expect(saveFormatFor('/x/a.PCAP')).toBe('pcap');
    expect(saveFormatFor('/x/a.pcapng')).toBe('pcapng');
    expect(saveFormatFor('/x/a')).toBe('pcapng');
  });
});
