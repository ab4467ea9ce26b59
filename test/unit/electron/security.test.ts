import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock'));

const mock = await import('./electron-mock');
const security = await import('../../../src/main/electron/security');
const { createMainWindow } = await import('../../../src/main/electron/window');

describe('webPreferences', () => {
  it('isolates, sandboxes and disables Node in every window', () => {
    const prefs = security.secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('createMainWindow uses them and loads the app:// entry, not file://', () => {
    const window = createMainWindow({ preloadPath: '/p/index.cjs' }) as unknown as InstanceType<
      typeof mock.FakeBrowserWindow
    >;
    expect(window.options['webPreferences']).toEqual(security.secureWebPreferences('/p/index.cjs'));
    expect(window.loadedUrl).toBe('app://wirelab/index.html');
  });

  it('loads a dev server only when it is on loopback', () => {
    const dev = createMainWindow({ preloadPath: '/p', devServerUrl: 'http://localhost:5173/' });
    expect((dev as unknown as { loadedUrl: string }).loadedUrl).toBe('http://localhost:5173/');
    const remote = createMainWindow({ preloadPath: '/p', devServerUrl: 'http://example.com:5173/' });
    expect((remote as unknown as { loadedUrl: string }).loadedUrl).toBe('app://wirelab/index.html');
  });
});

describe('navigation, windows and permissions', () => {
  it('denies will-navigate, redirects, webviews and window.open', () => {
    const contents = new mock.FakeWebContents();
    security.hardenWebContents(contents as never);
    for (const eventName of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      contents.emit(eventName, event, 'https://example.com/');
      expect(event.preventDefault, eventName).toHaveBeenCalledOnce();
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    const session = mock.createFakeSession();
    security.denyAllPermissions(session as never);
    const requestHandler = session.setPermissionRequestHandler.mock.calls[0]?.[0] as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;
    for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      requestHandler({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    const checkHandler = session.setPermissionCheckHandler.mock.calls[0]?.[0] as () => boolean;
    expect(checkHandler()).toBe(false);
    const deviceHandler = session.setDevicePermissionHandler.mock.calls[0]?.[0] as () => boolean;
    expect(deviceHandler()).toBe(false);
  });
});

describe('app:// scheme', () => {
  let rootDir: string;
  let outsideFile: string;

  beforeAll(() => {
    const base = mkdtempSync(path.join(tmpdir(), 'wirelab-app-scheme-'));
    rootDir = path.join(base, 'renderer');
    mkdirSync(path.join(rootDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rootDir, 'index.html'), '<!doctype html><title>Wirelab</title>');
    writeFileSync(path.join(rootDir, 'assets', 'main.js'), 'export {};');
    outsideFile = path.join(base, 'secret.txt');
    writeFileSync(outsideFile, 'secret');
  });
  afterAll(() => rmSync(path.dirname(rootDir), { recursive: true, force: true }));

  it('is registered as privileged: standard, secure, fetch', () => {
    security.registerAppScheme();
    expect(mock.recorded.privilegedSchemes).toContainEqual({
      scheme: 'app',
      privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
    });
  });

  it('serves files under the renderer folder with the CSP header', async () => {
    security.installAppProtocol(rootDir);
    const handler = mock.recorded.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const page = await handler!(new Request('app://wirelab/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(security.RENDERER_CSP);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Wirelab</title>');
    const script = await handler!(new Request('app://wirelab/assets/main.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await handler!(new Request('app://wirelab/missing.js'))).status).toBe(404);
  });

  it.each([
    'app://wirelab/..%2Fsecret.txt',
    'app://wirelab/%2e%2e%2fsecret.txt',
    'app://wirelab/assets/..%2F..%2Fsecret.txt',
    'app://wirelab/..%5Csecret.txt',
    'app://wirelab/index.html%00.js',
    'app://other-host/index.html',
    'file:///etc/passwd',
  ])('refuses %s', async (url) => {
    expect(security.resolveAppPath(rootDir, url)).toBeNull();
    const handler = mock.recorded.protocolHandlers.get('app')!;
    const response = await handler(new Request(url));
    expect(response.status).toBe(403);
  });

  it('keeps dot segments that URL parsing collapses inside the root', () => {
    // WHATWG URL resolves literal and %2E-encoded `..` segments at the root, so they can never climb out.
    for (const url of ['app://wirelab/../../secret.txt', 'app://wirelab/assets/%2E%2E/%2E%2E/secret.txt']) {
      const resolved = security.resolveAppPath(rootDir, url);
      expect(resolved).toBe(path.join(rootDir, 'secret.txt'));
      expect(resolved).not.toBe(outsideFile);
    }
    expect(security.resolveAppPath(rootDir, 'app://wirelab/assets/main.js')).toBe(
      path.join(rootDir, 'assets', 'main.js'),
    );
    expect(security.resolveAppPath(rootDir, 'app://wirelab/')).toBe(path.join(rootDir, 'index.html'));
  });
});
