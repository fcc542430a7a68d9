/**
 * The desktop shell's security settings, as plain data so a test can check
 * them without the Electron binary. This module must stay free of runtime
 * imports of 'electron' (types only).
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The app's own pages are served from this privileged custom scheme, not file://. */
export const APP_SCHEME = 'tern';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The policy for every page of the app. The renderer talks to the engine only
 * through the preload bridge; connect-src allows the local API on 127.0.0.1
 * (any port) and nothing else on the network.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*",
  "img-src 'self' data:",
  "font-src 'self' data:",
].join('; ');

/**
 * The dev-server variant: Vite injects CSS as <style> tags and React Refresh
 * needs an inline preamble, and HMR talks over the dev server's websocket.
 * Used only when the renderer comes from the dev server (never when packaged).
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const dev = new URL(devServerUrl);
  const ws = `${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`;
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    `connect-src 'self' ${ws} ws://127.0.0.1:* http://127.0.0.1:*`,
  ].join('; ');
}

/** Response headers added to every app page. */
export function securityHeaders(policy: string = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The main window's default and smallest size. */
export const WINDOW_SIZE = Object.freeze({ width: 1440, height: 900, minWidth: 960, minHeight: 600 });

/**
 * Options for the main window: renderer sandboxed, isolated, no Node, no
 * webview. `bounds` is where the saved layout puts it (window-state.ts);
 * without it the window opens at the default size, centred.
 */
export function windowOptions(
  preloadPath: string,
  extra: { icon?: string; bounds?: { x: number; y: number; width: number; height: number } } = {},
): BrowserWindowConstructorOptions {
  const { bounds } = extra;
  return {
    ...(extra.icon ? { icon: extra.icon } : {}),
    ...(bounds ? { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height } : { width: WINDOW_SIZE.width, height: WINDOW_SIZE.height, center: true }),
    // a work area smaller than the usual minimum (a small laptop screen) lowers it, so the window still fits
    minWidth: Math.min(WINDOW_SIZE.minWidth, bounds?.width ?? WINDOW_SIZE.minWidth),
    minHeight: Math.min(WINDOW_SIZE.minHeight, bounds?.height ?? WINDOW_SIZE.minHeight),
    show: false,
    title: 'Tern',
    backgroundColor: '#0b0e11',
    webPreferences: {
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
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * True when `url` belongs to the app's own pages at `appOrigin` (scheme and
 * host compared, since URL.origin is "null" for custom schemes). Anything
 * unparsable is foreign.
 */
export function isAppUrl(url: string | undefined | null, appOrigin: string): boolean {
  if (!url) return false;
  let target: URL;
  let own: URL;
  try {
    target = new URL(url);
    own = new URL(appOrigin);
  } catch {
    return false;
  }
  return target.protocol === own.protocol && target.host === own.host && target.username === '' && target.password === '';
}
