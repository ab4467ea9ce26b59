/**
 * Content-Security-Policy of the renderer. It is sent as a header by every host that serves the
 * renderer (the Electron `app://` protocol, the web host) and repeated as a `<meta>` tag in
 * src/renderer/index.html; a test compares the built tag with this string so the two cannot drift.
 *
 * Why each source: the renderer loads only bundled files ('self'); React inline `style` props need
 * 'unsafe-inline' for styles only; Monaco creates workers from bundled files or blob: URLs; images and
 * fonts may be inlined as data:. No remote origin appears anywhere: labs may be offline.
 * This module has no imports so that non-Electron hosts can use it.
 */

/** RENDERER_CSP_DIRECTIVES lists the policy directive by directive (keeps diffs readable). */
export const RENDERER_CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
];

/** RENDERER_CSP is the header value: the directives joined with `; `. */
export const RENDERER_CSP = RENDERER_CSP_DIRECTIVES.join('; ');
