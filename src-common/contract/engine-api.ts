import type { EngineEvent } from './events.js';
import type { AnswerOf, CallContext, MethodName, ResultOf } from './methods.js';
import type { z } from 'zod';
import type { Scope } from './schemas.js';

export interface Principal {
  /** API key id, or 'ui' for the desktop app */
  id: string;
  scopes: ReadonlyArray<z.infer<typeof Scope>>;
  /** the key's own request rate (per-bot keys); absent: the server's */
  rateLimit?: { perSecond: number; burst: number };
  /** the accounts the key may trade (per-bot keys); absent: all */
  accounts?: ReadonlyArray<string>;
}

/**
 * What every transport (REST, WebSocket, desktop IPC) needs from the engine.
 * `call` validates raw params against METHODS[method].params and throws a
 * TernError (BAD_REQUEST naming the field) when they don't fit. It also makes
 * the scope check (METHODS[method].scope) from the caller's key in the context
 * (CallContext.keyId), so no transport repeats it.
 */
export interface EngineApi {
  call<M extends MethodName>(method: M, rawParams: unknown, ctx: CallContext): Promise<ResultOf<M>>;
  /** like call, but the engine's fuller answer (METHODS[method].outcome; the result where there is none) */
  answer<M extends MethodName>(method: M, rawParams: unknown, ctx: CallContext): Promise<AnswerOf<M>>;
  /** every engine event; returns an unsubscribe */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /**
   * the principal a presented API key belongs to, or null when unknown,
   * revoked or expired. `slowHash: false`: only the cheap lookup (no scrypt
   * check of a chosen key not verified before), for callers being throttled.
   */
  authenticate(key: string, options?: { slowHash?: boolean }): Principal | null;
  /**
   * A key's principal as of now (by key id), or null once it is revoked or
   * expired: sessions that outlive one request (WebSockets) re-check every call with it.
   */
  keyPrincipal(keyId: string): Principal | null;
  /** called with a key's id the moment it is revoked; returns an unsubscribe */
  onKeyRevoked(listener: (keyId: string) => void): () => void;
  /** Prometheus-style gauges the engine contributes to /metrics */
  stats(): Record<string, number>;
}
