/**
 * Security policy of the Electron host, in one place so tests can assert it with a mocked `electron`.
 *
 * - Renderers are sandboxed, context-isolated, without Node, with web security on (no exceptions: capture
 *   and files live in main; the renderer only sees `window.wirelab`).
 * - The renderer is served from the privileged `app://wirelab/` scheme rather than `file://`, so it has a
 *   real origin for 'self' in the CSP and cannot read arbitrary files; paths that leave the renderer
 *   folder are refused.
 * - Navigation, new windows, <webview> and every permission request are denied: the UI is a single page.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol, type Session, type WebContents, type WebPreferences } from 'electron';
import { RENDERER_CSP } from './csp';

export { RENDERER_CSP } from './csp';

/** APP_SCHEME is the custom scheme the renderer is served from. */
export const APP_SCHEME = 'app';
/** APP_HOST is the only host the scheme answers for. */
export const APP_HOST = 'wirelab';
/** APP_ORIGIN is the renderer's origin (what 'self' means in the CSP). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** APP_ENTRY_URL is the page the main window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** secureWebPreferences returns the webPreferences of every Wirelab window. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** registerAppScheme declares `app:` privileged; Electron requires this before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/**
 * resolveAppPath maps an `app://wirelab/...` URL to a file under `rootDir`, or returns null when the URL
 * has another scheme or host, or its decoded path would leave `rootDir` (`..`, encoded `%2e%2e%2f`,
 * backslashes, NUL bytes, absolute paths).
 */
export function resolveAppPath(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // Refuse any `..` segment outright instead of normalising it away: a request that tries is hostile.
  if (pathname.split('/').some((segment) => segment === '..')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, relative);
  const fromRoot = path.relative(root, resolved);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return null;
  return resolved;
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** SECURITY_HEADERS are sent with every `app://` response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** createAppProtocolHandler returns the `app://` request handler serving files from `rootDir`. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: SECURITY_HEADERS });
    }
    const filePath = resolveAppPath(rootDir, request.url);
    if (filePath === null) return new Response('forbidden', { status: 403, headers: SECURITY_HEADERS });
    let body: Buffer;
    try {
      body = await readFile(filePath);
    } catch {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
    const contentType = MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': contentType },
    });
  };
}

/** installAppProtocol serves `rootDir` on `app://wirelab/` (call once `app` is ready). */
export function installAppProtocol(rootDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rootDir));
}

/** denyAllPermissions refuses every permission request and check (camera, notifications, HID, …). */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** hardenWebContents denies navigation, new windows and <webview> for one web contents. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
