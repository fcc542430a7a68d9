/**
 * The main-process half of the desktop bridge, free of 'electron' so it can be
 * tested with a fake EngineApi. Every outcome is a value (BridgeReply): thrown
 * errors would reach the renderer with only their message.
 */
import type { BridgeError, BridgeReply } from '../contract/bridge.js';
import type { EngineApi } from '../contract/engine-api.js';
import { TernError, asTernError } from '../contract/errors.js';
import { isMethodName } from '../contract/methods.js';

export const CALL_CHANNEL = 'tern:call' as const;
export const EVENT_CHANNEL = 'tern:event' as const;

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
