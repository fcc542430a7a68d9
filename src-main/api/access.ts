import { TernError } from '../../src-common/contract/errors.js';
import type { EngineApi, Principal } from '../../src-common/contract/engine-api.js';
import type { MethodSpec } from '../../src-common/contract/methods.js';
import { grants, scopeRefusal as keyScopeRefusal } from '../../src-common/contract/scopes.js';
import type { AuthFailures } from './auth-failures.js';
import type { RateDecision, TokenBuckets } from './rate-limit.js';

export type RequiredScope = MethodSpec['scope'];

export function hasScope(principal: Principal, needed: RequiredScope): boolean {
  return grants(principal.scopes, needed);
}

/** a key limited to some accounts (per-bot keys) reaches only those; the desktop app and unlimited keys reach all */
export function mayUseAccount(principal: Principal, account: string): boolean {
  return principal.accounts === undefined || principal.accounts.includes(account);
}

export function scopeRefusal(principal: Principal, scope: RequiredScope): TernError | null {
  return keyScopeRefusal(principal.scopes, scope);
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
    /** failed authentication per client address (without it: never throttled) */
    readonly failures?: AuthFailures,
  ) {}

  /**
   * The principal of a presented key, or the refusal: 401, or 429 once the
   * caller's address has spent its failure budget. A throttled address gets
   * only the cheap lookup (no scrypt check of a chosen key not seen before).
   */
  authenticate(key: string | null, address?: string): Principal | TernError {
    const throttled = address !== undefined && this.failures !== undefined && this.failures.retryAfter(address) > 0;
    if (key !== null) {
      const principal = this.engine.authenticate(key, throttled ? { slowHash: false } : undefined);
      if (principal) return principal;
    }
    const refusal = key === null ? 'missing API key: send "Authorization: Bearer <key>"' : 'unknown or revoked API key';
    return this.failed(address, refusal);
  }

  /** counts a failed authentication (any kind: key, sign-in token) against the address; the error to answer */
  failed(address: string | undefined, message: string): TernError {
    const wait = address === undefined || this.failures === undefined ? 0 : this.failures.fail(address);
    if (wait > 0) return authThrottled(wait);
    return new TernError('UNAUTHORIZED', message);
  }

  /** 429 when the address may not fail again yet (checked before any work), else null */
  throttled(address: string): TernError | null {
    const wait = this.failures?.retryAfter(address) ?? 0;
    return wait > 0 ? authThrottled(wait) : null;
  }

  /** rate and scope checks for an authenticated principal */
  admitPrincipal(principal: Principal, scope: RequiredScope): Admission {
    const charged = this.charge(principal);
    if ('error' in charged) return charged;
    const refusal = scopeRefusal(principal, scope);
    return refusal ? { error: refusal, rate: charged.rate } : { principal, rate: charged.rate };
  }

  /** one request (or WebSocket message) against the key's bucket */
  charge(principal: Principal): { rate: RateDecision } | { error: TernError; rate: RateDecision } {
    const options = principal.rateLimit ?? this.buckets.options;
    const rate = this.buckets.take(principal.id, options);
    if (rate.allowed) return { rate };
    const own = principal.rateLimit ? ` (key ${principal.id}'s own rate_limit)` : '';
    return {
      error: new TernError('RATE_LIMITED', `rate limit of ${options.perSecond} requests per second exceeded${own}; retry in ${rate.retryAfterSeconds} s`, {
        retry_after_s: rate.retryAfterSeconds,
        rule: 'rate_limit',
      }),
      rate,
    };
  }

  admit(authorization: string | undefined, scope: RequiredScope, address?: string): Admission {
    const who = this.authenticate(bearerKey(authorization), address);
    if (who instanceof TernError) return { error: who };
    return this.admitPrincipal(who, scope);
  }
}

function authThrottled(retryAfterS: number): TernError {
  return new TernError('RATE_LIMITED', `too many failed sign-ins from this address; retry in ${retryAfterS} s`, { retry_after_s: retryAfterS, rule: 'auth_failures' });
}
