import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import { SignInTokens } from '../../src-main/api/sign-in.js';
import { WEB_CONTENT_SECURITY_POLICY, isWebRoot } from '../../src-main/api/web-ui.js';
import { RestClient, fakeEngineFactory, type TestEngine } from '../helpers/api-harness.js';

let root: string;
let te: TestEngine;
let server: ApiServer;
let api: RestClient;
let port: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tern-webroot-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tern</title><script type="module" src="./assets/index-abc.js"></script>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  writeFileSync(join(root, '.secret'), 'no');
  te = await fakeEngineFactory();
  server = createApiServer({ engine: te.engine, port: 0, version: '9.9.9', logger: false, web: { root } });
  ({ port } = await server.listen());
  api = new RestClient(server.app, `127.0.0.1:${port}`);
});

afterAll(async () => {
  await server?.close();
  await te?.close();
  rmSync(root, { recursive: true, force: true });
});

const tokenOf = (url: string) => new URL(url).hash.replace('#signin=', '');

describe('web UI files', () => {
  it('serves the page at / with a strict CSP and never lets it be cached', async () => {
    const res = await api.get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<title>Tern</title>');
    expect(res.headers['content-security-policy']).toBe(WEB_CONTENT_SECURITY_POLICY);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await api.get('/index.html')).headers['cache-control']).toBe('no-store');
  });

  it('the CSP allows only this origin: no inline script or style, no remote hosts, WebSocket back to loopback', () => {
    const directives = Object.fromEntries(WEB_CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(WEB_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!127\.0\.0\.1|localhost)/);
    expect(directives['connect-src']).toEqual(["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*']);
  });

  it('serves hashed assets as immutable', async () => {
    const res = await api.get('/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers only files that exist, never dotfiles or paths outside the folder, with the API error shape', async () => {
    for (const path of ['/nope.js', '/.secret', '/assets/', '/../package.json', '/%2e%2e/package.json', '/assets/..%2findex.html']) {
      const res = await api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.json?.error?.code, path).toBe('NOT_FOUND');
    }
  });

  it('takes only GET (and HEAD) for files', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await api.request(method, '/index.html');
      expect(res.status, method).toBeGreaterThanOrEqual(400);
    }
  });

  it('guards the page like the API: a foreign Host or Origin gets 403', async () => {
    expect((await new RestClient(server.app, `evil.example:${port}`).get('/')).status).toBe(403);
    expect((await api.get('/', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('recognizes a folder as a web root only when it holds index.html', () => {
    expect(isWebRoot(root)).toBe(true);
    expect(isWebRoot(join(root, 'assets'))).toBe(false);
    expect(isWebRoot(join(root, 'missing'))).toBe(false);
    expect(isWebRoot(undefined)).toBe(false);
  });
});

describe('one-time sign-in links', () => {
  it('a link puts a token in the URL fragment of this server', () => {
    const { url, expiresAt } = server.createSignInLink();
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#signin=[A-Za-z0-9_-]{43}$`));
    expect(expiresAt).toBeGreaterThan(Date.now());
  });

  it('trades the token once for a new admin session key that authenticates', async () => {
    const token = tokenOf(server.createSignInLink().url);
    const res = await api.post('/api/v1/session/exchange', { token }, { headers: { origin: `http://127.0.0.1:${port}` } });
    expect(res.status, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toMatchObject({ scopes: ['admin'], name: expect.stringMatching(/^web session /) });
    expect(te.engine.authenticate(res.json.key)).toMatchObject({ id: res.json.id });

    const again = await api.post('/api/v1/session/exchange', { token });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a token it never made, and a malformed body names the field', async () => {
    expect((await api.post('/api/v1/session/exchange', { token: 'x'.repeat(43) })).status).toBe(401);
    const bad = await api.post('/api/v1/session/exchange', { token: 5 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.field).toBe('token');
    expect((await api.post('/api/v1/session/exchange', { token: 'y'.repeat(43), extra: 1 })).status).toBe(400);
  });

  it('refuses a cross-site page posting a token', async () => {
    const token = tokenOf(server.createSignInLink().url);
    const res = await api.post('/api/v1/session/exchange', { token }, { headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    // the refused request did not spend the token
    expect((await api.post('/api/v1/session/exchange', { token })).status).toBe(201);
  });

  it('a token expires', () => {
    let now = 1_000;
    const tokens = new SignInTokens(60_000, () => now);
    const a = tokens.mint().token;
    const b = tokens.mint().token;
    now += 60_000;
    expect(tokens.redeem(a)).toBe(true);
    now += 1;
    expect(tokens.redeem(b)).toBe(false);
    expect(tokens.size).toBe(0);
  });

  it('a token expires after its time to live even when the wall clock is set back meanwhile', async () => {
    let offset = 0;
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    try {
      const tokens = new SignInTokens(20);
      const { token } = tokens.mint();
      offset = -86_400_000;
      await new Promise((r) => setTimeout(r, 40));
      expect(tokens.redeem(token)).toBe(false);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a server without the web UI has no page, no exchange route and no links', async () => {
    const other = createApiServer({ engine: te.engine, version: '9.9.9', logger: false });
    await other.app.ready();
    const client = new RestClient(other.app);
    expect((await client.get('/')).status).toBe(404);
    expect((await client.post('/api/v1/session/exchange', { token: 'z'.repeat(43) })).status).toBe(404);
    expect(() => other.createSignInLink()).toThrow(/not served/);
    await other.close();
  });
});
