/**
 * electron-builder cannot package here (it downloads Electron), so check its config offline: it must
 * pass electron-builder's own schema and keep the properties the app depends on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(path.join(repoRoot, 'node_modules/app-builder-lib/package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('./out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId: string;
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  nsis: { include: string };
  deb: { depends: string[] };
  win: { target: { target: string }[] };
  linux: { target: string[] };
  mac: { target: string[] };
}

const config = yaml.load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('ships the build output only, unpacks cap and rebuilds it for Electron', () => {
    expect(config.appId).toBe('lab.wirelab.app');
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.asarUnpack).toContain('node_modules/cap/**');
    expect(config.npmRebuild).toBe(true);
  });

  it('targets NSIS (with the Npcap note), AppImage, deb (with libpcap) and dmg', () => {
    expect(config.win.target.map((target) => target.target)).toEqual(['nsis']);
    expect(existsSync(path.join(repoRoot, config.nsis.include))).toBe(true);
    expect(readFileSync(path.join(repoRoot, config.nsis.include), 'utf8')).toMatch(/Npcap[\s\S]*loopback/i);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    // libpcap's package before and after Debian 13 / Ubuntu 24.04's time_t transition, as one alternative.
    expect(config.deb.depends).toContain('libpcap0.8 | libpcap0.8t64');
    expect(config.mac.target).toEqual(['dmg']);
  });
});
