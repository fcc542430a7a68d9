/**
 * The Electron shell: one window, one engine runtime, one IPC bridge. All
 * trading logic lives in the runtime (which also runs headless); this file
 * only wires it to a hardened window and shuts it down cleanly.
 */
import { app, BrowserWindow, ipcMain, Menu, protocol, session, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineApi } from '../contract/engine-api.js';
import { createRuntime } from '../runtime.js';
// electron-vite `?asset` imports: file paths that stay right after bundling
import iconPath from '../../resources/icon.png?asset';
import sampleFeedPath from '../../resources/replay/BTC-USDT_1m_sample.csv?asset';
import { contentTypeFor, resolveAppFile } from './app-protocol.js';
import { callEngine, CALL_CHANNEL, EVENT_CHANNEL, foreignSenderReply } from './ipc-bridge.js';
import { menuTemplate } from './menu.js';
import { APP_INDEX_URL, APP_ORIGIN, APP_SCHEME, devContentSecurityPolicy, isAppUrl, securityHeaders, windowOptions } from './security.js';

/** What the shell needs from the runtime (src-main/runtime.ts). */
interface ShellRuntime {
  api: EngineApi;
  close(): Promise<void>;
}

const SHUTDOWN_TIMEOUT_MS = 10_000;

// electron-vite sets ELECTRON_RENDERER_URL for `electron-vite dev`; a packaged app never uses it.
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const isDev = devServerUrl !== undefined;
const appOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;
const startUrl = devServerUrl ?? APP_INDEX_URL;
const rendererDir = join(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');

// Both must happen before 'ready'.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  let runtime: ShellRuntime | null = null;
  let win: BrowserWindow | null = null;
  let closed = false;
  let closing: Promise<void> | null = null;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= shutdown().finally(() => {
      closed = true;
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  async function shutdown(): Promise<void> {
    ipcMain.removeHandler(CALL_CHANNEL);
    const r = runtime;
    runtime = null;
    if (!r) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((res) => {
      timer = setTimeout(() => {
        console.error(`tern: runtime did not close within ${SHUTDOWN_TIMEOUT_MS} ms; quitting anyway`);
        res();
      }, SHUTDOWN_TIMEOUT_MS);
    });
    try {
      await Promise.race([r.close(), timeout]);
    } catch (err) {
      console.error('tern: error while closing the runtime', err);
    } finally {
      clearTimeout(timer);
    }
  }

  async function ready(): Promise<void> {
    const ses = session.defaultSession;
    // The app asks for no browser permission (camera, notifications, ...): refuse them all.
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, serveAppFile);
    if (devServerUrl) {
      const headers = securityHeaders(devContentSecurityPolicy(devServerUrl));
      ses.webRequest.onHeadersReceived({ urls: [`${appOrigin}/*`] }, (details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) } });
      });
    }

    const started: ShellRuntime = await createRuntime({ dataDir: app.getPath('userData'), ...runtimeOptionsFromEnv() });
    runtime = started;
    const api = started.api;
    ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown) => {
      if (!isAppUrl(event.senderFrame?.url, appOrigin)) return foreignSenderReply();
      return callEngine(api, method, params, (err) => console.error(`tern: ${String(method)} failed`, err));
    });

    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isDev, isMac: process.platform === 'darwin' })));

    const w = new BrowserWindow(windowOptions(preloadPath, { icon: iconPath }));
    win = w;
    const unsubscribe = api.subscribe((event) => {
      if (!w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, event);
    });
    w.on('closed', () => {
      unsubscribe();
      win = null;
    });
    w.once('ready-to-show', () => w.show());
    await w.loadURL(startUrl);
  }

  app.whenReady().then(ready).catch((err: unknown) => {
    console.error('tern: failed to start', err);
    closed = true; // nothing left worth waiting for
    void shutdown().finally(() => app.exit(1));
  });
}

/** Only the app's own page may be shown; no popups, no webviews, no foreign navigation. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

async function serveAppFile(request: Request): Promise<Response> {
  const file = resolveAppFile(rendererDir, request.url);
  if (!file || request.method !== 'GET') return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(new Uint8Array(body), { headers: { 'Content-Type': contentTypeFor(file), ...securityHeaders() } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/**
 * Engine settings for the desktop app, overridable by the environment (e.g.
 * TERN_FEED=replay:FILE.csv@SPEED). The default feed is the bundled sample,
 * located by the bundler: runtime.ts's own lookup is relative to its source file.
 */
function runtimeOptionsFromEnv(): { feed: string; symbol?: string; paperBalance?: string } {
  const env = process.env;
  return {
    feed: env['TERN_FEED'] || `replay:${sampleFeedPath}`,
    ...(env['TERN_SYMBOL'] ? { symbol: env['TERN_SYMBOL'] } : {}),
    ...(env['TERN_PAPER_BALANCE'] ? { paperBalance: env['TERN_PAPER_BALANCE'] } : {}),
  };
}
