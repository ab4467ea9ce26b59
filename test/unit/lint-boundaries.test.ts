/**
 * The import boundaries of ARCHITECTURE.md are lint rules (eslint.config.js). Each case lints one
 * in-memory file at a path inside a layer and checks that exactly the forbidden imports are reported.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: repoRoot });

/** restrictedImports lints `imports` as a file at `filePath` and returns the specifiers that were reported. */
async function restrictedImports(filePath: string, imports: string[]): Promise<string[]> {
  const code = imports
    .map((specifier, index) => `import * as m${index} from '${specifier}';\nvoid m${index};`)
    .join('\n');
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  const reportedLines = (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.line);
  return reportedLines.map((line) => imports[(line - 1) / 2]!);
}

const cases: { layer: string; file: string; bad: string[]; good: string[] }[] = [
  {
    layer: 'src/shared imports nothing outside src/shared',
    file: 'src/shared/filter/checker.ts',
    bad: [
      'node:fs',
      'fs',
      'electron',
      'react',
      '../../main/engine/workbench',
      '../../renderer/src/app/App',
      '../../../package.json',
    ],
    good: ['../fields', './parser', '../../shared/model'],
  },
  {
    layer: 'src/renderer imports src/shared and renderer libraries only',
    file: 'src/renderer/src/panes/PacketList.tsx',
    bad: [
      'electron',
      'node:path',
      'path',
      'cap',
      '../../../main/engine/workbench',
      '../../../preload/index',
      '../../../../test/x',
    ],
    good: ['react', 'zustand', '../../../shared/fields', '../store', './Row'],
  },
  {
    layer: 'src/main never imports the renderer or the preload',
    file: 'src/main/web/server.ts',
    bad: ['../../renderer/src/app/App', '../../preload/index', 'react'],
    good: ['../../shared/contract', '../engine/workbench', 'node:http', 'ws', 'electron'],
  },
  {
    layer: 'src/main/engine never imports electron (nor the hosts)',
    file: 'src/main/engine/decode/tcp.ts',
    bad: ['electron', '../../electron/window', '../../cli/index', '../../../renderer/src/app/App'],
    good: ['../../../shared/seq', '../reassembly/stream', './ipv4', 'node:fs', 'cap'],
  },
  {
    layer: 'src/preload imports src/shared and electron only',
    file: 'src/preload/index.ts',
    bad: ['node:fs', 'fs', 'react', '../main/electron/security', '../renderer/src/main'],
    good: ['electron', '../shared/contract', './api'],
  },
];

describe('import boundaries (eslint no-restricted-imports)', () => {
  it.each(cases)('$layer', async ({ file, bad, good }) => {
    expect(await restrictedImports(file, [...bad, ...good])).toEqual(bad);
  });

  it('still reports statements without effect (the part of no-unused-expressions we keep)', async () => {
    const code = 'let a = 1;\nconst b = 2;\na === b;\na && console.log(b);\n(a = 1), (a = 2);\n';
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, 'src/main/x.ts') });
    const lines = (result?.messages ?? [])
      .filter((m) => m.ruleId === 'no-restricted-syntax')
      .map((m) => m.line);
    expect(lines).toEqual([3]);
  });

  it('leaves tests free to import any layer', async () => {
    expect(
      await restrictedImports('test/unit/x.test.ts', ['../../src/main/electron/security', 'electron']),
    ).toEqual([]);
  });
});
