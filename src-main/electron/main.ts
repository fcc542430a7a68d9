/**
 * The Electron shell: one window, one engine runtime, the IPC bridge, a tray
 * icon, the global kill-switch hotkey, desktop notifications and the optional
 * local API. All trading logic lives in the runtime (which also runs
 * headless); the rules live in the pure modules beside this file; this file
 * only wires them to Electron and shuts everything down cleanly.
 */
import {
  app,
  BrowserWindow,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  type MessageBoxOptions,
  nativeImage,
  Notification,
  protocol,
  screen,
  session,
  Tray,
  type WebContents,
} from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileLogger } from '../log-file.js';
import { prepareDataFolder } from '../store/data-folder.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { isMethodName } from '../../src-common/contract/methods.js';
import { installProcessGuard } from '../process-guard.js';
import { createRuntime, VERSION } from '../runtime.js';
import { DataFolderLocked } from '../store/data-folder-lock.js';
import { StoreDamaged, StoreNotWritable } from '../store/open-store.js';
import type { RepairReport } from '../store/repair.js';
import { APP_ID, userDataDir } from './app-identity.js';
import { contentTypeFor, resolveAppFile } from './app-protocol.js';
import { callEngine, callShell, CALL_CHANNEL, EVENT_CHANNEL, foreignSenderReply, SHELL_CHANNEL, UI_CONTEXT } from './ipc-bridge.js';
import { type AllowList, chooseFile, FILE_FOLDERS_FILE, parseFileFolders, restoreFileFolders } from './file-folders.js';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { KILL_SWITCH_ACCELERATOR, killSwitchAvailable, KillSwitchTrigger, type KillSwitchSource } from './kill-switch.js';
import { apiServerStarter, LOCAL_API_FILE, LocalApiController, parseLocalApiSettings } from './local-api.js';
import { menuTemplate } from './menu.js';
import { type Notice, NoticeThrottle, NotificationRules } from './notifications.js';
import { resourcePaths } from './resources.js';
import { desktopRuntimeOptions } from './runtime-options.js';
import { APP_INDEX_URL, APP_ORIGIN, APP_SCHEME, devContentSecurityPolicy, isAppUrl, securityHeaders, WINDOW_SIZE, windowOptions } from './security.js';
import { TRAY_TOOLTIP, trayMenuTemplate } from './tray.js';
import { captureWindowState, type DisplayInfo, parseWindowState, placeWindow, WINDOW_STATE_FILE } from './window-state.js';

/** What the shell needs from the runtime (src-main/runtime.ts). */
interface ShellRuntime {
  api: EngineApi;
  /** the folders files may come from: the shell adds the ones the trader picks */
  files: AllowList;
  /** what a --repair start kept and lost */
  repaired?: RepairReport;
  close(): Promise<void>;
}

const SHUTDOWN_TIMEOUT_MS = 10_000;
const LAYOUT_SAVE_DELAY_MS = 500;

// electron-vite sets ELECTRON_RENDERER_URL for `electron-vite dev`; a packaged app never uses it.
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const isDev = devServerUrl !== undefined;
const appOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;
const startUrl = devServerUrl ?? APP_INDEX_URL;
const rendererDir = join(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
/** relaunch argument: repair the damaged store before starting (the desktop's `serve --repair`) */
const REPAIR_FLAG = '--repair';

const resources = resourcePaths({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() });

// All before 'ready'. userData first: the single-instance lock lives there.
app.setPath('userData', userDataDir(app.getPath('appData')));
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  const dataDir = app.getPath('userData');
  // the data folder 0700, its store and logs 0600; a log that cannot be written (disk full) drops lines, never the app
  try {
    prepareDataFolder(dataDir);
  } catch (err) {
    console.error(`tern: cannot prepare the data folder ${dataDir}`, err);
  }
  const { logger } = fileLogger(join(dataDir, 'logs', 'tern.log'));
  // an unhandled rejection or exception is logged and counted, never the end of the engine
  installProcessGuard(logger);
  const logError = (message: string, err?: unknown): void => {
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : err }, message);
    console.error(`tern: ${message}`, err ?? '');
  };

  let runtime: ShellRuntime | null = null;
  let localApi: LocalApiController | null = null;
  let win: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let unsubscribe: (() => void) | null = null;
  let layoutTimer: NodeJS.Timeout | undefined;
  let layoutSave: Promise<void> = Promise.resolve();
  let closed = false;
  let closing: Promise<void> | null = null;
  const layoutFile = join(dataDir, WINDOW_STATE_FILE);
  const notices = new NoticeThrottle({ show: showNotice });
  const rules = new NotificationRules();
  // set once the engine runs; the menu, the tray and the hotkey all pull it
  let pullKillSwitch: (source: KillSwitchSource) => void = () => {};

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
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
  app.on('will-quit', () => globalShortcut.unregisterAll());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  async function shutdown(): Promise<void> {
    ipcMain.removeHandler(CALL_CHANNEL);
    ipcMain.removeHandler(SHELL_CHANNEL);
    globalShortcut.unregisterAll();
    notices.close();
    unsubscribe?.();
    unsubscribe = null;
    saveLayoutNow();
    const r = runtime;
    runtime = null;
    const api = localApi;
    localApi = null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((res) => {
      timer = setTimeout(() => {
        logError(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS} ms; quitting anyway`);
        res();
      }, SHUTDOWN_TIMEOUT_MS);
    });
    const work = async (): Promise<void> => {
      await layoutSave;
      // the API first: no request may reach an engine that is closing
      await api?.close().catch((err: unknown) => logError('error while stopping the local API', err));
      await r?.close();
    };
    try {
      await Promise.race([work(), timeout]);
    } catch (err) {
      logError('error while closing the runtime', err);
    } finally {
      clearTimeout(timer);
      tray?.destroy();
      tray = null;
      try {
        logger.flush();
      } catch {
        // the log file never opened (a start that failed at once): nothing to flush
      }
    }
  }

  async function ready(): Promise<void> {
    const ses = session.defaultSession;
    // The page asks for no browser permission (camera, notifications, ...): refuse them all.
    // Desktop notifications come from main (Electron's Notification), which needs none.
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, serveAppFile);
    if (devServerUrl) {
      const headers = securityHeaders(devContentSecurityPolicy(devServerUrl));
      ses.webRequest.onHeadersReceived({ urls: [`${appOrigin}/*`] }, (details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) } });
      });
    }

    // --repair: the trader chose Repair in the damaged-store dialog (the app relaunched itself with it)
    const repair = process.argv.includes(REPAIR_FLAG);
    const started: ShellRuntime = await createRuntime({ dataDir, log: logger, repair, ...desktopRuntimeOptions(process.env, resources.sampleFeed) });
    if (started.repaired) {
      const r = started.repaired;
      const lost = r.lost === 'none' ? 'nothing' : `journal entries ${r.lost}`;
      void dialog.showMessageBox({
        type: r.lost === 'none' ? 'info' : 'warning',
        title: 'Tern repaired its data',
        message: `Kept ${r.kept} journal entries; lost ${lost}.`,
        detail: [`The damaged file is kept as ${r.damagedCopy}.`, ...r.notes].join('\n'),
      });
    }
    runtime = started;
    const api = started.api;

    const controller = new LocalApiController({
      start: apiServerStarter({ engine: api, version: VERSION, logger: logger.child({ component: 'api' }) }),
      load: async () => parseLocalApiSettings(await readJsonFile(join(dataDir, LOCAL_API_FILE), (json) => json)),
      save: (settings) => writeJsonFile(join(dataDir, LOCAL_API_FILE), settings),
      log: logError,
    });
    localApi = controller;
    await controller.init();

    const fileFolders = {
      files: started.files,
      load: async () => parseFileFolders(await readJsonFile(join(dataDir, FILE_FOLDERS_FILE), (json) => json)),
      save: (folders: ReturnType<typeof parseFileFolders>) => writeJsonFile(join(dataDir, FILE_FOLDERS_FILE), folders),
      choose: async (kind: 'strategies' | 'imports') => {
        const options = {
          title: kind === 'strategies' ? 'Choose a strategy module' : 'Choose a candle file',
          properties: ['openFile' as const],
          filters: kind === 'strategies' ? [{ name: 'Strategy modules', extensions: ['mjs', 'js', 'ts', 'mts', 'cjs'] }] : [{ name: 'Candle files', extensions: ['csv', 'db', 'sqlite'] }],
        };
        const picked = win && !win.isDestroyed() ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
        return picked.canceled ? null : (picked.filePaths[0] ?? null);
      },
    };
    await restoreFileFolders(fileFolders);

    ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown) => {
      if (!isAppUrl(event.senderFrame?.url, appOrigin)) return foreignSenderReply();
      return callEngine(api, method, params, (err) => logError(`${String(method)} failed`, err));
    });
    ipcMain.handle(SHELL_CHANNEL, (event, method: unknown, params: unknown) => {
      if (!isAppUrl(event.senderFrame?.url, appOrigin)) return foreignSenderReply();
      return callShell(
        { 'api.status': async () => controller.status(), 'api.setEnabled': (p) => controller.setEnabled(p), 'files.choose': (p) => chooseFile(fileFolders, p) },
        method,
        params,
        (err) => logError(`${String(method)} failed`, err),
      );
    });

    // notifications compare each event with what was there at start
    const [risk, accounts] = await Promise.all([
      isMethodName('risk.get') ? api.call('risk.get', {}, UI_CONTEXT).catch(() => null) : Promise.resolve(null),
      api.call('accounts.list', {}, UI_CONTEXT).catch(() => []),
    ]);
    rules.seed(risk, accounts);

    const killSwitch = new KillSwitchTrigger({ api, confirm: confirmKillSwitch, onUnexpected: (err) => logError('kill switch failed', err) });
    pullKillSwitch = (source) => {
      void killSwitch.trigger(source).then(async (outcome) => {
        if (outcome.kind === 'busy') showWindow();
        if (outcome.kind === 'failed') {
          await dialog.showMessageBox({ type: 'error', title: 'Kill switch failed', message: 'The kill switch did not complete.', detail: `${outcome.error.code}: ${outcome.error.message}` });
        }
        // 'done' is announced by the engine's risk event, like a kill switch from the page or the API
      });
    };

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isDev,
          isMac: process.platform === 'darwin',
          ...(killSwitchAvailable() ? { onKillSwitch: () => pullKillSwitch('menu') } : {}),
          onResetLayout: resetLayout,
        }),
      ),
    );

    const w = await createWindow();
    win = w;
    unsubscribe = api.subscribe((event) => {
      if (!w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, event);
      const notice = rules.noticeFor(event);
      if (notice) notices.push(notice);
    });

    tray = createTray();
    if (killSwitchAvailable() && !globalShortcut.register(KILL_SWITCH_ACCELERATOR, () => pullKillSwitch('hotkey'))) {
      logError(`the kill-switch shortcut ${KILL_SWITCH_ACCELERATOR} is taken by another application; use the tray or the menu`);
    }

    await w.loadURL(startUrl);
  }

  async function createWindow(): Promise<BrowserWindow> {
    const saved = await readJsonFile(layoutFile, parseWindowState);
    const displays: DisplayInfo[] = screen.getAllDisplays().map((d) => ({ id: d.id, workArea: d.workArea }));
    const placement = placeWindow(saved, displays, screen.getPrimaryDisplay().id, WINDOW_SIZE);
    const w = new BrowserWindow(windowOptions(preloadPath, { icon: resources.icon, bounds: placement.bounds }));
    w.on('resize', scheduleLayoutSave);
    w.on('move', scheduleLayoutSave);
    w.on('maximize', scheduleLayoutSave);
    w.on('unmaximize', scheduleLayoutSave);
    w.on('show', refreshTray);
    w.on('hide', refreshTray);
    w.on('close', saveLayoutNow);
    w.on('closed', () => {
      unsubscribe?.();
      unsubscribe = null;
      win = null;
    });
    w.once('ready-to-show', () => {
      if (placement.maximized) w.maximize();
      w.show();
    });
    return w;
  }

  function scheduleLayoutSave(): void {
    clearTimeout(layoutTimer);
    layoutTimer = setTimeout(saveLayoutNow, LAYOUT_SAVE_DELAY_MS);
  }

  function saveLayoutNow(): void {
    clearTimeout(layoutTimer);
    const w = win;
    // after shutdown the layout is saved already, and the process may exit mid-write
    if (closed || !w || w.isDestroyed() || w.isMinimized() || w.isFullScreen()) return;
    const bounds = w.getNormalBounds();
    const display = screen.getDisplayMatching(bounds);
    const state = captureWindowState(bounds, w.isMaximized(), { id: display.id, workArea: display.workArea });
    layoutSave = layoutSave.then(() => writeJsonFile(layoutFile, state)).catch((err: unknown) => logError('cannot save the window layout', err));
  }

  function resetLayout(): void {
    const w = win;
    if (!w) return;
    const primary = screen.getPrimaryDisplay();
    const p = placeWindow(null, [{ id: primary.id, workArea: primary.workArea }], primary.id, WINDOW_SIZE);
    if (w.isMaximized()) w.unmaximize();
    w.setBounds(p.bounds);
    saveLayoutNow();
  }

  function showWindow(): void {
    const w = win;
    if (!w) return;
    if (w.isMinimized()) w.restore();
    if (!w.isVisible()) w.show();
    w.focus();
  }

  function toggleWindow(): void {
    const w = win;
    if (!w) return;
    if (w.isVisible() && !w.isMinimized()) w.hide();
    else showWindow();
  }

  function createTray(): Tray {
    let image = nativeImage.createFromPath(resources.icon);
    // macOS and Windows draw tray icons at 16 px (32 on HiDPI); Linux desktops scale what they get
    if (process.platform === 'darwin') image = image.resize({ width: 16, height: 16 });
    if (process.platform === 'win32') image = image.resize({ width: 32, height: 32 });
    const t = new Tray(image);
    t.setToolTip(TRAY_TOOLTIP);
    // Windows and some Linux desktops: a click toggles the window (macOS opens the menu)
    if (process.platform !== 'darwin') t.on('click', toggleWindow);
    tray = t;
    refreshTray();
    return t;
  }

  function refreshTray(): void {
    if (!tray) return;
    const visible = win !== null && !win.isDestroyed() && win.isVisible();
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate({
          windowVisible: visible,
          killSwitch: killSwitchAvailable(),
          onToggleWindow: toggleWindow,
          onKillSwitch: () => pullKillSwitch('tray'),
          onQuit: () => app.quit(),
        }),
      ),
    );
  }

  async function confirmKillSwitch(options: MessageBoxOptions): Promise<number> {
    // bring the terminal forward: the trader should see what the switch does
    showWindow();
    const w = win;
    const { response } = w ? await dialog.showMessageBox(w, options) : await dialog.showMessageBox(options);
    return response;
  }

  function showNotice(notice: Notice): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({
      title: notice.title,
      body: notice.body,
      icon: resources.icon,
      urgency: notice.urgent ? 'critical' : 'normal',
      silent: !notice.urgent,
    });
    n.on('click', showWindow);
    n.show();
  }

  app
    .whenReady()
    .then(ready)
    .catch((err: unknown) => {
      logError('failed to start', err);
      // another Tern (e.g. `npm run serve`) holds this data folder; a second window of this app never gets here (single-instance lock)
      if (err instanceof DataFolderLocked) dialog.showErrorBox('Tern is already running', err.message);
      // a damaged tern.db: which file and what to do (serve --repair uses this same folder by default)
      if (err instanceof StoreNotWritable) dialog.showErrorBox('Tern cannot open its data', err.message);
      if (err instanceof StoreDamaged) {
        const choice = dialog.showMessageBoxSync({
          type: 'error',
          title: 'Tern cannot open its data',
          message: `The store ${err.file} is damaged.`,
          detail: `${err.problems.join('\n')}\n\nRepair keeps the damaged file as tern.db.damaged-<time> and rebuilds the store from what its journal still holds. Or quit and put a backup copy of tern.db in its folder.`,
          buttons: ['Quit', 'Repair'],
          defaultId: 0,
          cancelId: 0,
        });
        if (choice === 1) app.relaunch({ args: [...process.argv.slice(1).filter((a) => a !== REPAIR_FLAG), REPAIR_FLAG] });
      }
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
