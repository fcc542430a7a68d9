import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The policy of the web UI's page: its own scripts and styles only, and
 * connections back to this server (its WebSocket on a loopback name).
 * No inline script or style anywhere in the build, so nothing needs 'unsafe-inline'.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // AG Grid's legacy theme draws its icons from data: URLs (an SVG mask and a font)
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** true when `dir` holds a built renderer (index.html) */
export function isWebRoot(dir: string | undefined): dir is string {
  if (!dir) return false;
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, 'index.html'));
  } catch {
    return false;
  }
}

function setHeaders(reply: FastifyReply, path: string): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cross-origin-resource-policy', 'same-origin');
  if (basename(path) === 'index.html') {
    // the page names the current asset hashes: never cache it, so an update is seen at once
    reply.header('cache-control', 'no-store');
    reply.header('content-security-policy', WEB_CONTENT_SECURITY_POLICY);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  } else if (path.includes(`${'/'}assets${'/'}`) || path.includes('\\assets\\')) {
    // file names carry a content hash
    reply.header('cache-control', 'public, max-age=31536000, immutable');
  } else {
    reply.header('cache-control', 'no-cache');
  }
}

/**
 * Serves the built renderer at `/`: one GET (and HEAD) route per file that
 * exists at start, no wildcard, no directory listing, no dotfiles. Anything
 * else falls through to the API's own 404. The loopback guard (Host, Origin)
 * runs before these routes like before any other.
 */
export function registerWebUi(app: FastifyInstance, root: string): void {
  app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    list: false,
    dotfiles: 'deny',
    serveDotFiles: false,
    decorateReply: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders,
  });
}
