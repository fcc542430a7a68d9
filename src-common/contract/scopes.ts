import { type Scope, SCOPE_RANK as RANK } from './constants/scopes.js';
import { TernError } from './errors.js';

/** whether a key with `scopes` may call what needs `needed` (the one scope rule, for every transport) */
export function grants(scopes: ReadonlyArray<string>, needed: Scope | 'none'): boolean {
  const need = RANK[needed];
  return need === 0 || scopes.some((s) => (RANK[s as keyof typeof RANK] ?? 0) >= need);
}

export function scopeRefusal(scopes: ReadonlyArray<string>, needed: Scope | 'none'): TernError | null {
  return grants(scopes, needed) ? null : new TernError('FORBIDDEN', `this needs an API key with the "${needed}" scope`, { required_scope: needed });
}

/**
 * Whether the caller of a call may make it (the one check, for every transport):
 * `keyId` as CallContext.keyId; `principalOf` looks the key up as of now.
 */
export function callerRefusal(
  keyId: string | null | undefined,
  needed: Scope | 'none',
  principalOf: (keyId: string) => { scopes: ReadonlyArray<string> } | null,
): TernError | null {
  if (keyId === undefined || needed === 'none') return null;
  if (keyId === null) return new TernError('UNAUTHORIZED', 'missing API key: send "Authorization: Bearer <key>"');
  const who = principalOf(keyId);
  return who ? scopeRefusal(who.scopes, needed) : new TernError('UNAUTHORIZED', 'unknown or revoked API key');
}
