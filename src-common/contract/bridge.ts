/**
 * The desktop IPC bridge, as types only: the preload implements `TernBridge`
 * and exposes it as `window.tern`; the renderer imports these types to call it.
 * Nothing here exists at runtime, so the renderer bundle pulls in no engine code.
 */
import type { ErrorBody } from './errors.js';
import type { EngineEvent } from './events.js';
import type { MethodName, ParamsOf, ResultOf } from './methods.js';

/** IPC channel names shared by main and preload. */
export type BridgeCallChannel = 'tern:call';
export type BridgeEventChannel = 'tern:event';

/** The error part of a refused call: `{ code, message, details? }`. */
export type BridgeError = ErrorBody['error'];

/**
 * What main answers on 'tern:call'. Errors travel as values, not throws:
 * Electron's IPC and contextBridge keep only an Error's message, never its code.
 */
export type BridgeReply<M extends MethodName = MethodName> = { ok: true; result: ResultOf<M> } | { ok: false; error: BridgeError };

export interface TernBridge {
  /**
   * Calls an engine method as the desktop user. Resolves with the method's
   * result; rejects with a plain `BridgeError` object (not an Error instance,
   * so its `code` and `details` survive the context bridge).
   */
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  /** Every engine event forwarded by main; returns an unsubscribe. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

// ---- Desktop-only shell methods (IPC only; the WebSocket of API.md has no equivalent) ----

/** The local REST/WebSocket API as the trader set it: off by default, on 127.0.0.1 only. */
export interface LocalApiSettings {
  enabled: boolean;
  /** 1024-65535 */
  port: number;
}

/** Where the local API stands now. `error` says why it is not running although enabled (e.g. the port is taken). */
export interface LocalApiStatus extends LocalApiSettings {
  running: boolean;
  /** `http://127.0.0.1:PORT` while running, else null */
  url: string | null;
  error: string | null;
}

/** The data folder's strategies/ (modules) or imports/ (candle files). */
export type FileKindName = 'strategies' | 'imports';

/** A file the trader picked in the OS dialog: the name to give the engine (null when canceled) and the folder now open. */
export interface ChosenFile {
  name: string | null;
  folder: string | null;
}

/** Methods main answers itself on 'tern:shell', for settings that belong to the app, not the engine. */
export interface ShellMethods {
  'api.status': { params: Record<string, never>; result: LocalApiStatus };
  'api.setEnabled': { params: LocalApiSettings; result: LocalApiStatus };
  /** the OS file dialog; the picked file's folder is opened for that kind of file (saved across restarts) */
  'files.choose': { params: { kind: FileKindName }; result: ChosenFile };
}
export type ShellMethodName = keyof ShellMethods;
export type BridgeShellChannel = 'tern:shell';
export type ShellReply<M extends ShellMethodName = ShellMethodName> = { ok: true; result: ShellMethods[M]['result'] } | { ok: false; error: BridgeError };

/**
 * What the desktop preload exposes as `window.tern`: the protocol client plus
 * the shell methods. A browser has only `TernBridge` (over the WebSocket).
 */
export interface DesktopBridge extends TernBridge {
  /** Calls a shell method; rejects with a plain `BridgeError` like `call`. */
  shell<M extends ShellMethodName>(method: M, params: ShellMethods[M]['params']): Promise<ShellMethods[M]['result']>;
}
