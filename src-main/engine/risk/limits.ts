import { z } from 'zod';
import { RISK_LIMIT_NAMES, type RiskLimitName } from '../../../src-common/contract/constants/risk.js';
import { RiskLimitValues, type RiskLimitsPatch } from '../../../src-common/contract/schemas.js';
import { type Decimal, dec, str } from '../model/decimal.js';

/**
 * Risk limits by scope: global, one account, or one account and symbol.
 * The names and their wire schema are part of the contract
 * (contract/constants/risk.ts RISK_LIMIT_NAMES, schemas.ts RiskLimitsPatch); this module keeps
 * the values and resolves them. For an order on (account, symbol) each limit
 * comes from the narrowest scope that sets it: account+symbol, else account,
 * else global.
 *
 * A limit is the largest allowed value: reaching it passes, going beyond it
 * refuses an order (pre-trade rules) or trips a breaker.
 */

export { RISK_LIMIT_NAMES, type RiskLimitName };

export interface LimitScope {
  account: string | null;
  symbol: string | null;
  /** a strategy's own scope: its orders and its ledger (account and symbol null) */
  strategy?: string;
  /** an API key's own scope: every order placed with it (account and symbol null) */
  key?: string;
}

/**
 * What every account is given once, at account scope, unless it or the
 * global scope already sets the limit (RiskEngine.applyAccountDefaults):
 * enough working orders for any sane strategy, few enough that the venue,
 * the store and the UI stay responsive (docs/api.md, Risk).
 */
export const DEFAULT_ACCOUNT_LIMITS: RiskLimitsPatch = Object.freeze({ max_open_orders: '1000' });

/** One limit as set in one scope. A new object each time it is set: rules key per-scope state (rate buckets) on it. */
export interface ResolvedLimit {
  readonly name: RiskLimitName;
  readonly limit: Decimal;
  readonly scope: LimitScope;
  /** stable id of the scope ('' global, 'ACCOUNT', 'ACCOUNT SYMBOL'), for per-scope counters */
  readonly scopeKey: string;
}

export type ResolvedLimits = Readonly<Partial<Record<RiskLimitName, ResolvedLimit>>>;

/** How the limits are persisted and listed: `GET /api/v1/risk`'s `limits`. */
export const ScopedLimitsList = z.array(
  z.strictObject({
    account: z.string().nullable(),
    symbol: z.string().nullable(),
    strategy: z.string().optional(),
    key: z.string().optional(),
    limits: RiskLimitValues,
  }),
);
export type ScopedLimitsList = z.infer<typeof ScopedLimitsList>;

export function scopeKey(account: string | null | undefined, symbol: string | null | undefined): string {
  if (!account) return '';
  return symbol ? `${account} ${symbol}` : account;
}

/** the scope key of a strategy's own limits (account ids have no ':') */
export const strategyScopeKey = (strategy: string): string => `strategy:${strategy}`;
/** the scope key of an API key's own limits */
export const keyScopeKey = (key: string): string => `key:${key}`;

/** "global", "account paper", "paper BTC/USDT", "strategy sma": how a scope is named in messages */
export function scopeLabel(scope: LimitScope): string {
  if (scope.strategy !== undefined) return `strategy ${scope.strategy}`;
  if (scope.key !== undefined) return `key ${scope.key}`;
  if (!scope.account) return 'global';
  return scope.symbol ? `${scope.account} ${scope.symbol}` : `account ${scope.account}`;
}

interface ScopeEntry {
  scope: LimitScope;
  limits: Map<RiskLimitName, ResolvedLimit>;
}

export class LimitBook {
  private readonly scopes = new Map<string, ScopeEntry>();
  /** resolved limits by account, then symbol (no key string to build on the order path), dropped whenever a limit changes */
  private cache = new Map<string, Map<string, ResolvedLimits>>();

  /** Applies a patch to one scope: a value sets, null removes, a missing name is left alone. With `strategy` (or `apiKey`), that strategy's (key's) own scope. */
  set(account: string | null | undefined, symbol: string | null | undefined, patch: RiskLimitsPatch, strategy?: string, apiKey?: string): void {
    const key = apiKey !== undefined ? keyScopeKey(apiKey) : strategy !== undefined ? strategyScopeKey(strategy) : scopeKey(account, symbol);
    const scope: LimitScope = Object.freeze(
      apiKey !== undefined
        ? { account: null, symbol: null, key: apiKey }
        : strategy !== undefined
          ? { account: null, symbol: null, strategy }
          : { account: account || null, symbol: account && symbol ? symbol : null },
    );
    const entry = this.scopes.get(key) ?? { scope, limits: new Map<RiskLimitName, ResolvedLimit>() };
    for (const name of RISK_LIMIT_NAMES) {
      const value = patch[name];
      if (value === undefined) continue;
      if (value === null) entry.limits.delete(name);
      else entry.limits.set(name, Object.freeze({ name, limit: dec(value), scope, scopeKey: key }));
    }
    if (entry.limits.size === 0) this.scopes.delete(key);
    else this.scopes.set(key, entry);
    this.cache = new Map();
  }

  /** every limit that applies to an order on (account, symbol), each from the narrowest scope that sets it */
  resolve(account: string, symbol: string): ResolvedLimits {
    let bySymbol = this.cache.get(account);
    const hit = bySymbol?.get(symbol);
    if (hit) return hit;
    const out: Partial<Record<RiskLimitName, ResolvedLimit>> = {};
    // widest first, so that narrower scopes overwrite
    for (const key of ['', account, scopeKey(account, symbol)]) {
      const entry = this.scopes.get(key);
      if (entry) for (const [name, limit] of entry.limits) out[name] = limit;
    }
    const frozen = Object.freeze(out);
    if (!bySymbol) {
      bySymbol = new Map();
      this.cache.set(account, bySymbol);
    }
    bySymbol.set(symbol, frozen);
    return frozen;
  }

  /** a strategy's own limits (checked on its orders besides those `resolve` gives) */
  forStrategy(strategy: string): ReadonlyMap<RiskLimitName, ResolvedLimit> | undefined {
    return this.scopes.get(strategyScopeKey(strategy))?.limits;
  }

  /** an API key's own limits (checked on its orders besides those `resolve` gives) */
  forKey(key: string): ReadonlyMap<RiskLimitName, ResolvedLimit> | undefined {
    return this.scopes.get(keyScopeKey(key))?.limits;
  }

  /** strategies whose own scope sets any of `names` (their breakers are measured on their ledgers) */
  strategiesSetting(names: readonly RiskLimitName[]): string[] {
    const out: string[] = [];
    for (const { scope, limits } of this.scopes.values()) if (scope.strategy !== undefined && names.some((n) => limits.has(n))) out.push(scope.strategy);
    return out;
  }

  /** the limit set in exactly this scope (breakers measure each scope on its own) */
  at(account: string | null, name: RiskLimitName): ResolvedLimit | undefined {
    return this.scopes.get(scopeKey(account, null))?.limits.get(name);
  }

  /** every account scope (global, account, account+symbol) that sets `name` */
  settings(name: RiskLimitName): ResolvedLimit[] {
    const out: ResolvedLimit[] = [];
    for (const entry of this.scopes.values()) {
      if (entry.scope.strategy !== undefined || entry.scope.key !== undefined) continue;
      const limit = entry.limits.get(name);
      if (limit) out.push(limit);
    }
    return out;
  }

  /** number of limits set, over all scopes */
  get size(): number {
    let n = 0;
    for (const entry of this.scopes.values()) n += entry.limits.size;
    return n;
  }

  /** global first, then by account, then by symbol */
  list(): ScopedLimitsList {
    return [...this.scopes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, { scope, limits }]) => ({
        account: scope.account,
        symbol: scope.symbol,
        ...(scope.strategy !== undefined ? { strategy: scope.strategy } : {}),
        ...(scope.key !== undefined ? { key: scope.key } : {}),
        limits: Object.fromEntries(RISK_LIMIT_NAMES.filter((n) => limits.has(n)).map((n) => [n, str(limits.get(n)!.limit)])),
      }));
  }

  static fromList(list: ScopedLimitsList): LimitBook {
    const book = new LimitBook();
    for (const entry of list) book.set(entry.account, entry.symbol, entry.limits, entry.strategy, entry.key);
    return book;
  }
}
