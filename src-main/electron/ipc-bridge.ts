/**
 * The main-process half of the desktop bridge, free of 'electron' so it can be
 * tested with a fake EngineApi. Every outcome is a value (BridgeReply): thrown
 * errors would reach the renderer with only their message.
 */
import type { BridgeCallChannel, BridgeError, BridgeEventChannel, BridgeReply, BridgeShellChannel, ShellMethodName, ShellMethods, ShellReply } from '../../src-common/contract/bridge.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { TernError, asTernError } from '../../src-common/contract/errors.js';
import { isMethodName } from '../../src-common/contract/methods.js';

export const CALL_CHANNEL: BridgeCallChannel = 'tern:call';
export const EVENT_CHANNEL: BridgeEventChannel = 'tern:event';
export const SHELL_CHANNEL: BridgeShellChannel = 'tern:shell';

/** The desktop user acts as 'ui' (full scopes: it is the owner at the keyboard). */
export const UI_CONTEXT = Object.freeze({ actor: 'ui' });

function refusal(err: TernError): { ok: false; error: BridgeError } {
  return { ok: false, error: err.toBody().error };
}

/**
 * Runs one bridge call. `method` and `params` come from the renderer and are
 * untrusted: an unknown method is BAD_REQUEST; params are validated by the
 * engine (EngineApi.call). Unexpected errors become INTERNAL without their
 * text, and are handed to `onUnexpected` for logging.
 */
export async function callEngine(
  api: Pick<EngineApi, 'call'>,
  method: unknown,
  params: unknown,
  onUnexpected: (err: unknown) => void = () => {},
): Promise<BridgeReply> {
  if (typeof method !== 'string' || !isMethodName(method)) {
    const shown = typeof method === 'string' ? method.slice(0, 64) : typeof method;
    return refusal(new TernError('BAD_REQUEST', `unknown method: ${shown}`, { field: 'method' }));
  }
  try {
    const result = await api.call(method, params ?? {}, UI_CONTEXT);
    return { ok: true, result };
  } catch (err) {
    if (!(err instanceof TernError)) onUnexpected(err);
    return refusal(asTernError(err));
  }
}

/** The reply for a call that did not come from the app's own page. */
export function foreignSenderReply(): BridgeReply {
  return refusal(new TernError('FORBIDDEN', 'calls are accepted only from the app window'));
}

/** Main's own methods (bridge.ts ShellMethods); each validates its untrusted params. */
export type ShellHandlers = { [M in ShellMethodName]: (params: unknown) => Promise<ShellMethods[M]['result']> };

// a record, so adding a shell method to bridge.ts without listing it here fails to compile
const SHELL_METHOD_NAMES: Record<ShellMethodName, true> = { 'api.status': true, 'api.setEnabled': true, 'files.choose': true };

export function isShellMethodName(name: string): name is ShellMethodName {
  return Object.hasOwn(SHELL_METHOD_NAMES, name);
}

/** Runs one shell call from the renderer, with the same value-not-throw rules as `callEngine`. */
export async function callShell(handlers: ShellHandlers, method: unknown, params: unknown, onUnexpected: (err: unknown) => void = () => {}): Promise<ShellReply> {
  if (typeof method !== 'string' || !isShellMethodName(method)) {
    const shown = typeof method === 'string' ? method.slice(0, 64) : typeof method;
    return refusal(new TernError('BAD_REQUEST', `unknown method: ${shown}`, { field: 'method' }));
  }
  try {
    const result = await handlers[method](params ?? {});
    return { ok: true, result };
  } catch (err) {
    if (!(err instanceof TernError)) onUnexpected(err);
    return refusal(asTernError(err));
  }
}
