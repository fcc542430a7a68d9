import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  isAppUrl,
  securityHeaders,
  WINDOW_SIZE,
  windowOptions,
} from '../../src-main/electron/security.js';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('window options', () => {
  const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences!;

  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and webviews, insecure content and experimental features off', () => {
    expect(prefs).toMatchObject({ webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, experimentalFeatures: false });
  });

  it('keeps the same hardening whatever layout the window is restored to', () => {
    const restored = windowOptions('/p.cjs', { icon: '/i.png', bounds: { x: 10, y: 20, width: 1200, height: 800 } });
    expect(restored.webPreferences).toEqual(windowOptions('/p.cjs').webPreferences);
    expect(restored).toMatchObject({ x: 10, y: 20, width: 1200, height: 800, icon: '/i.png', show: false });
  });

  it('opens centred at the default size without a saved layout', () => {
    expect(windowOptions('/p.cjs')).toMatchObject({ width: WINDOW_SIZE.width, height: WINDOW_SIZE.height, center: true });
  });

  it('lowers the minimum size only when the restored bounds are smaller (a small screen)', () => {
    expect(windowOptions('/p.cjs', { bounds: { x: 0, y: 0, width: 1200, height: 800 } })).toMatchObject({ minWidth: 960, minHeight: 600 });
    expect(windowOptions('/p.cjs', { bounds: { x: 0, y: 0, width: 800, height: 500 } })).toMatchObject({ minWidth: 800, minHeight: 500 });
  });
});

describe('content security policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('allows scripts and everything else only from the app itself', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('forbids plugins, base rewriting and framing', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets the page reach only itself and the local API on 127.0.0.1', () => {
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*', 'http://127.0.0.1:*']);
  });

  it("allows images and fonts only from the app and data: URLs (AG Grid's icons are inlined)", () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('font-src')).toEqual(["'self'", 'data:']);
  });

  it('never allows inline or eval scripts in the packaged app', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('is sent as a response header with nosniff', () => {
    expect(securityHeaders()).toMatchObject({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' });
  });

  it('relaxes only what the dev server needs, and still never eval', () => {
    const dev = directives(devContentSecurityPolicy('http://localhost:5173'));
    expect(dev.get('connect-src')).toContain('ws://localhost:5173');
    expect(dev.get('object-src')).toEqual(["'none'"]);
    expect(devContentSecurityPolicy('http://localhost:5173')).not.toContain('unsafe-eval');
  });
});

describe('navigation guard', () => {
  it('accepts the app page itself', () => {
    expect(isAppUrl(APP_INDEX_URL, APP_ORIGIN)).toBe(true);
    expect(isAppUrl('tern://app/assets/x.js', APP_ORIGIN)).toBe(true);
    expect(isAppUrl('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true);
  });

  it.each([
    'https://example.com/',
    'file:///etc/passwd',
    'tern://other/index.html',
    'http://localhost:5174/',
    'javascript:alert(1)',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url, APP_ORIGIN) || isAppUrl(url, 'http://localhost:5173')).toBe(false);
  });

  it('refuses a missing url', () => {
    expect(isAppUrl(undefined, APP_ORIGIN)).toBe(false);
    expect(isAppUrl(null, APP_ORIGIN)).toBe(false);
  });
});
