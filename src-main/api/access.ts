import { TernError } from '../contract/errors.js';
import type { EngineApi, Principal } from '../contract/engine-api.js';
import type { MethodSpec } from '../contract/methods.js';
import type { RateDecision, TokenBuckets } from './rate-limit.js';

export type RequiredScope = MethodSpec['scope'];

/** read ⊂ trade ⊂ admin: a key may do what its highest scope allows. */
const RANK: Record<string, number> = { none: 0, read: 1, trade: 2, admin: 3 };

export function hasScope(principal: Principal, needed: RequiredScope): boolean {
  const need = RANK[needed] ?? Infinity;
  for (const s of principal.scopes) if ((RANK[s] ?? 0) >= need) return true;
  return need === 0;
}

/** The key of an `Authorization: Bearer <key>` header, or null. */
export function bearerKey(header: string | undefined): string | null {
  if (header === undefined || header.length < 8) return null;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const key = header.slice(7).trim();
  return key.length > 0 && key.length <= 200 ? key : null;
}

export type Admission = { principal: Principal; rate: RateDecision } | { error: TernError; rate?: RateDecision };

/**
 * Who is calling and may they: authentication (401), then the key's rate
 * bucket (429), then the scope (403). Charging the bucket before the scope
 * check means a key hammering a forbidden route is still throttled.
 */
export class AccessControl {
  constructor(
    private readonly engine: EngineApi,
    private readonly buckets: TokenBuckets,
  ) {}

  authenticate(key: string | null): Principal | TernError {
    if (key === null) return new TernError('UNAUTHORIZED', 'missing API key: send "Authorization: Bearer <key>"');
    const principal = this.engine.authenticate(key);
    return principal ?? new TernError('UNAUTHORIZED', 'unknown or revoked API key');
  }

  /** rate and scope checks for an authenticated principal */
  admitPrincipal(principal: Principal, scope: RequiredScope): Admission {
    const rate = this.buckets.take(principal.id);
    if (!rate.allowed) {
      return {
        error: new TernError('RATE_LIMITED', `rate limit of ${this.buckets.options.perSecond} requests per second exceeded; retry in ${rate.retryAfterSeconds} s`, {
          retry_after_s: rate.retryAfterSeconds,
        }),
        rate,
      };
    }
    if (!hasScope(principal, scope)) {
      return { error: new TernError('FORBIDDEN', `this needs an API key with the "${scope}" scope`, { required_scope: scope }), rate };
    }
    return { principal, rate };
  }

  admit(authorization: string | undefined, scope: RequiredScope): Admission {
    const who = this.authenticate(bearerKey(authorization));
    if (who instanceof TernError) return { error: who };
    return this.admitPrincipal(who, scope);
  }
}
