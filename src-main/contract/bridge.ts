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
