import { badRequest } from '../../../src-common/contract/errors.js';
import type { AccountVenueConfig } from '../../engine/accounts/venue-config.js';
import type { AccountRecord } from '../../engine/model/types.js';
import type { Clock, IdSource } from '../../engine/ports/clock.js';
import { type Logger, silentLogger } from '../../engine/ports/logger.js';
import type { Venue } from '../../engine/ports/venue.js';
import { type Credentials, type SecretStore, loadCredentials } from '../../engine/ports/secret-store.js';
import type { CandleCache } from '../../engine/ports/candle-cache.js';
import { CcxtFeed } from './ccxt-feed.js';
import { CcxtVenue } from './ccxt-venue.js';
import { createExchange, isCcxtExchange } from './exchange-factory.js';
import { PaperMirrorVenue } from './paper-mirror.js';

/** Knobs of the ccxt venue and feed (tests turn them down; defaults suit real exchanges). */
export interface CcxtTuning {
  timeoutMs?: number;
  /** ccxt's rate limiter interval (the limiter stays on) */
  rateLimitMs?: number;
  pollMs?: number;
  tradeGraceMs?: number;
  unknownOrderGraceMs?: number;
  staleAfterMs?: number;
  /** symbols a feed watches from start */
  symbols?: string[];
  /** extra ccxt options */
  options?: Record<string, unknown>;
}

export interface AccountVenueDeps {
  clock: Clock;
  ids: IdSource;
  log?: Logger;
  secrets?: SecretStore;
  cache?: CandleCache;
  tuning?: CcxtTuning;
}

/** The cache key of an exchange's public data: its id, plus testnet or base_url (their markets differ). */
export function sourceOf(exchange: string, config: AccountVenueConfig): string {
  return `${exchange}${config.sandbox ? ':sandbox' : ''}${config.baseUrl ? `@${config.baseUrl}` : ''}`;
}

/**
 * The venue of an account on a real exchange: a CcxtVenue for a live
 * account (keys from the keychain), a paper venue over the exchange's live
 * public data for a paper account. Synchronous: nothing is fetched until the
 * engine loads its markets.
 */
export function ccxtVenueFor(account: AccountRecord, config: AccountVenueConfig, deps: AccountVenueDeps): Venue {
  if (!isCcxtExchange(account.exchange)) throw badRequest(`account ${account.id}: unknown exchange ${JSON.stringify(account.exchange)}`, { field: 'exchange' });
  const log = deps.log ?? silentLogger;
  const tuning = deps.tuning ?? {};
  const source = sourceOf(account.exchange, config);
  const base = { exchange: account.exchange, sandbox: config.sandbox, baseUrl: config.baseUrl, ...(tuning.timeoutMs ? { timeoutMs: tuning.timeoutMs } : {}), ...(tuning.rateLimitMs ? { rateLimitMs: tuning.rateLimitMs } : {}), ...(tuning.options ? { options: tuning.options } : {}) };
  const feedOptions = {
    source,
    clock: deps.clock,
    log,
    ...(deps.cache ? { cache: deps.cache } : {}),
    ...(tuning.symbols ? { symbols: tuning.symbols } : {}),
    ...(tuning.staleAfterMs ? { staleAfterMs: tuning.staleAfterMs } : {}),
  };
  if (account.mode === 'paper') {
    const feed = new CcxtFeed({ ...feedOptions, exchange: createExchange(base), ownsExchange: true });
    return new PaperMirrorVenue(feed, {
      account: account.id,
      clock: deps.clock,
      ids: deps.ids,
      startingBalances: account.startingBalances,
      onListenerError: (err) => log.error({ err: String(err), account: account.id }, 'an execution report listener failed'),
    });
  }
  let credentials: Credentials = {};
  let unusable: string | undefined;
  try {
    if (!deps.secrets) throw new Error('no keychain is configured');
    credentials = loadCredentials(deps.secrets, account.id);
    if (!credentials.apiKey || !credentials.secret) unusable = `the API key of account ${account.id} is not in the keychain; remove the account and add it again`;
  } catch (err) {
    unusable = `the keychain could not be read (${err instanceof Error ? err.message : String(err)}); the account cannot trade until it can`;
  }
  const exchange = createExchange({ ...base, credentials });
  const feed = new CcxtFeed({ ...feedOptions, exchange, ownsExchange: false });
  return new CcxtVenue({
    account: account.id,
    exchangeId: account.exchange,
    exchange,
    marketData: feed,
    clock: deps.clock,
    log,
    ...(tuning.pollMs ? { pollMs: tuning.pollMs } : {}),
    ...(tuning.tradeGraceMs ? { tradeGraceMs: tuning.tradeGraceMs } : {}),
    ...(tuning.unknownOrderGraceMs ? { unknownOrderGraceMs: tuning.unknownOrderGraceMs } : {}),
    ...(unusable ? { unusable } : {}),
    deadManSwitchS: config.deadManSwitchS ?? null,
  });
}
