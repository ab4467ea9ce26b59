/**
 * Web host: serves the built renderer and the contract over a WebSocket on 127.0.0.1, so the real UI runs
 * in a plain browser (end-to-end tests, machines where Electron cannot start).
 *
 * Security: bound to loopback only; every WebSocket must present the random per-run token and an Origin
 * equal to the server's own origin; static files are served only from the renderer folder (no path
 * traversal) with the same CSP as the Electron window; calls are validated by the shared RPC layer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE, serveTransport, type Transport } from '../../shared/rpc';
import type { Service } from '../../shared/contract';
import type { EngineEvents } from '../engine/events';
import { RENDERER_CSP } from '../electron/csp';

/**
 * WEB_CSP is the renderer's policy (the same as the Electron window's, so the two cannot drift) plus
 * directives that only a page served over HTTP needs. `connect-src 'self'` also covers the WebSocket to
 * the same host and port (CSP Level 3).
 */
export const WEB_CSP = `${RENDERER_CSP}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** WebHostOptions configure the web host. */
export interface WebHostOptions {
  service: Service;
  events: EngineEvents;
  /** rendererDir holds the built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  /** token: fixed token (tests); default a random 128-bit hex string */
  token?: string;
}

/** WEB_HOST_ADDRESS is the only address the web host listens on. */
export const WEB_HOST_ADDRESS = '127.0.0.1';

/** WebHost is a running web host. */
export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** safeJoin resolves a URL path inside `root`, or undefined when it would leave it. */
export function safeJoin(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = resolve(root, '.' + normalize('/' + decoded));
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : undefined;
}

/** startWebHost starts the HTTP + WebSocket server on 127.0.0.1. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const server: Server = createServer((req, res) => void serveStatic(options.rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  let origin = '';

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const okPath = url.pathname === '/rpc';
    const okToken = tokenMatches(token, url.searchParams.get('token'));
    const okOrigin = req.headers.origin === origin;
    if (!okPath || !okToken || !okOrigin) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const transport: Transport = {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      onMessage: (listener) => {
        const handler = (data: Buffer, isBinary: boolean) => {
          if (!isBinary) listener(data.toString('utf8'));
        };
        ws.on('message', handler);
        return () => ws.off('message', handler);
      },
    };
    const stop = serveTransport(options.service, transport, (forward) => options.events.onAny(forward));
    ws.on('close', stop);
    ws.on('error', stop);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, WEB_HOST_ADDRESS, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections?.();
      }),
  };
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  const path = safeJoin(root, url.pathname === '/' ? '/index.html' : url.pathname);
  if (!path) {
    res.writeHead(403).end('Forbidden');
    return;
  }
  try {
    const body = await readFile(path);
    res.writeHead(200, {
      'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
      'Content-Security-Policy': WEB_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404).end('Not found');
  }
}

/** rendererDirFrom finds out/renderer relative to the built main bundle or the repo root. */
export function rendererDirFrom(base: string): string {
  return join(base, 'out', 'renderer');
}
