import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TernError } from '../src-common/contract/errors.js';
import { Engine } from './engine/engine.js';
import type { AccountRecord } from './engine/model/types.js';
import { type Clock, type IdSource, SequentialIds, systemClock } from './engine/ports/clock.js';
import { type Logger, silentLogger } from './engine/ports/logger.js';
import type { MarketFeed } from './engine/ports/market-data.js';
import type { Venue } from './engine/ports/venue.js';
import { parseFeedSpec } from './feeds/feed-spec.js';
import { MultiFeed } from './feeds/multi-feed.js';
import { ReplayFeed } from './feeds/replay/replay-feed.js';
import { lockDataFolder } from './store/data-folder-lock.js';
import type { SqliteStore } from './store/sqlite-store.js';
import { type BackgroundCheck, type CheckedOpenOptions, checkInBackground, isDamage, needsBackgroundCheck, openCheckedStore, StoreDamaged } from './store/open-store.js';
import { prepareDataFolder } from './store/data-folder.js';
import { type RepairReport, repairStore } from './store/repair.js';
import { FileAccess } from './strategies/file-access.js';
import { strategyHandlers } from './strategies/strategy-handlers.js';
import { downloadHandlers } from './downloads/download-jobs.js';
import { PaperVenue } from './venues/paper/paper-venue.js';
import { readVenueConfig } from './engine/accounts/venue-config.js';
import type { ReconcileOptions } from './engine/reconcile/reconciler.js';
import { KeychainSecretStore } from './secrets/keychain.js';
import type { SecretStore } from './secrets/secret-store.js';
import { MarketCache } from './store/market-cache.js';
import { BacktestRunStore } from './store/backtest-runs.js';
import type { CcxtTuning } from './venues/ccxt/account-venue.js';

export const VERSION = '0.1.0';
export const DEFAULT_SYMBOL = 'BTC/USDT';
export const DEFAULT_PAPER_BALANCE = '100000';

export interface RuntimeOptions {
  dataDir: string;
  /** `replay:FILE.csv[@SPEED]`; default: the bundled sample replayed at 10 bars/s */
  feed?: string;
  symbol?: string;
  /**
   * Several markets for the paper account, each a replay spec and the symbol it is replayed as
   * (`serve --feed A --symbol X --feed B --symbol Y`); when set, `feed` and `symbol` are not used.
   * The first symbol's quote asset is the paper balance's.
   */
  markets?: ReadonlyArray<{ feed: string; symbol: string }>;
  /** starting balance of a fresh paper account, in the symbol's quote asset */
  paperBalance?: string;
  /** an admin key to accept (TERN_API_KEY), stored hashed */
  apiKey?: string;
  clock?: Clock;
  ids?: IdSource;
  log?: Logger;
  /** a feed built by the caller (tests, backtests) instead of `feed` */
  marketData?: MarketFeed;
  /** where exchange keys live (default: the OS keychain) */
  secrets?: SecretStore;
  /** reconciliation of exchange accounts (default: every 30 s, external orders adopted) */
  reconcile?: ReconcileOptions;
  /** timeouts and intervals of ccxt venues and feeds (tests) */
  ccxt?: CcxtTuning;
  /** how an account that cannot open (its exchange unreachable) is retried (default 1 s doubling to 60 s) */
  accountRetry?: { retryMs?: number; maxRetryMs?: number };
  /** `serve --repair`: keep the damaged store aside and rebuild it from its journal before starting */
  repair?: boolean;
  /** how the store is checked and when it counts as full (tests) */
  storeOptions?: Pick<CheckedOpenOptions, 'verify' | 'minFreeBytes' | 'freeBytes' | 'quickCheckMaxBytes'>;
  /** while the store cannot be written, how often it is tried again (default 5 s) */
  storeProbeMs?: number;
  /** resume the strategies that were running when Tern stopped (default: the stored setting, itself default true); `serve --no-resume`: false */
  resumeStrategies?: boolean;
}

export interface Runtime {
  engine: Engine;
  /** the protocol every transport uses */
  api: Engine;
  /** the folders strategy modules and candle files may come from: the desktop shell adds the ones the trader picks (never through the protocol) */
  files: FileAccess;
  store: SqliteStore;
  marketData: MarketFeed;
  dataDir: string;
  /** what `repair` kept and lost */
  repaired?: RepairReport;
  close(): Promise<void>;
}

/** The bundled replay file: resources/ beside src-main in a checkout, or next to the built app. */
export function bundledSampleFeed(file = 'BTC-USDT_1m_sample.csv'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', 'resources', 'replay', file);
}

/** The bundled samples as markets: a fresh `serve` shows two real markets, BTC/USDT and ETH/BTC, with no network. */
export function bundledMarkets(speed = 10): Array<{ feed: string; symbol: string }> {
  return [
    { feed: `replay:${bundledSampleFeed()}@${speed}`, symbol: 'BTC/USDT' },
    { feed: `replay:${bundledSampleFeed('ETH-BTC_1m_sample.csv')}@${speed}`, symbol: 'ETH/BTC' },
  ];
}

/**
 * Wires one Tern: the store in `dataDir`, the market data, the venues and the
 * engine. The desktop shell, the headless server and the tests each call this.
 */
export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const symbol = opts.markets?.[0]?.symbol ?? opts.symbol ?? DEFAULT_SYMBOL;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? new SequentialIds(`${clock.now().toString(36)}${randomBytes(2).toString('hex')}`);
  const log = opts.log ?? silentLogger;
  const marketData = opts.marketData ?? (opts.markets?.length ? openMarkets(opts.markets, clock) : openFeed(opts.feed, symbol, clock));
  const quote = marketData.instruments().find((i) => i.symbol === symbol)?.quote ?? symbol.split('/')[1] ?? 'USDT';

  prepareDataFolder(opts.dataDir);
  // before the store: a second Tern on this folder stops here (DataFolderLocked), not at its first write
  const lock = lockDataFolder(opts.dataDir);
  let store: SqliteStore;
  let repaired: RepairReport | undefined;
  let largeFile: boolean;
  try {
    // under the lock: nobody else writes the file while it is checked or repaired
    const file = join(opts.dataDir, 'tern.db');
    if (opts.repair) repaired = repairStore(file);
    largeFile = needsBackgroundCheck(file, opts.storeOptions);
    store = openCheckedStore(file, opts.storeOptions);
  } catch (err) {
    lock.release();
    throw err;
  }
  const marketCache = MarketCache.open(store.file);
  // backtest runs and sweeps outlive the session: listed after a restart until deleted
  const backtestRuns = BacktestRunStore.open(store.file);
  const venueFor = (account: AccountRecord): Venue | Promise<Venue> => {
    if (account.exchange !== 'paper') {
      // A live account on an exchange, or a paper account mirroring one. ccxt (~100 MB of
      // memory, and its load time) is imported only now: a paper-only session never loads it.
      const config = readVenueConfig(store, account.id);
      return loadCcxtVenues().then(({ ccxtVenueFor }) => ccxtVenueFor(account, config, { clock, ids, log, secrets, cache: marketCache, ...(opts.ccxt ? { tuning: opts.ccxt } : {}) }));
    }
    if (account.exchange === 'paper') {
      return new PaperVenue({
        account: account.id,
        marketData,
        clock,
        ids,
        startingBalances: account.startingBalances,
        onListenerError: (err) => log.error({ err: String(err), account: account.id }, 'an execution report listener failed'),
      });
    }
    throw new TernError('VENUE_UNAVAILABLE', `account ${account.id}: exchange ${account.exchange} is not available in this build`);
  };
  const secrets = opts.secrets ?? new KeychainSecretStore();
  // strategies/ and imports/: the only places API callers may name files in (plus cache: data from this store)
  const files = FileAccess.open({ dataDir: opts.dataDir, candleDatabase: store.file, seed: [bundledSampleFeed()] });
  const engine = new Engine({
    store,
    secrets,
    ...(opts.reconcile ? { reconcile: opts.reconcile } : {}),
    ...(opts.accountRetry ? { accountRetry: opts.accountRetry } : {}),
    ...(opts.storeProbeMs !== undefined ? { storeProbeMs: opts.storeProbeMs } : {}),
    clock,
    ids,
    log,
    venueFor,
    version: VERSION,
    paperBalances: { [quote]: opts.paperBalance ?? DEFAULT_PAPER_BALANCE },
    // features the engine does not import: strategies and backtests run engines of their own; downloads fill the market cache
    features: (host) => ({ ...strategyHandlers(host.api, { clock: host.clock, log: host.log, files, runs: backtestRuns, onStop: host.onStop, knowsStrategies: host.knowsStrategies, strategyBreakers: host.strategyBreakers, settings: host.settings, onStarted: host.onStarted, publish: (instance) => host.publish('strategies', 'strategies', () => instance), ...(opts.resumeStrategies !== undefined ? { resume: opts.resumeStrategies } : {}) }), ...downloadHandlers(host) }),
  });
  try {
    await engine.start();
    if (opts.apiKey) engine.ensureKey(opts.apiKey, 'TERN_API_KEY', ['admin']);
    await marketData.start();
  } catch (err) {
    await engine.stop().catch(() => {});
    marketCache.close();
    backtestRuns.close();
    store.close();
    lock.release();
    // a damaged page the checks did not reach (a large file) but the start did
    throw isDamage(err) ? new StoreDamaged(store.file, [err instanceof Error ? `${err.message} (${String((err as { code?: unknown }).code)})` : String(err)]) : err;
  }
  let closed = false;
  // a large file starts without waiting for its quick_check; damage found later halts trading with what to do
  let check: BackgroundCheck | null = null;
  if (largeFile) {
    check = checkInBackground(store.file);
    void check.done.then((problems) => {
      if (problems.length === 0 || closed) return;
      const damage = new StoreDamaged(store.file, problems);
      log.error({ path: store.file, problems }, 'the store is damaged');
      engine.risk.setState('HALTED', damage.message.replace('Tern did not start and wrote nothing to it. ', 'Stop Tern. '), 'store_check');
    });
  }
  return {
    engine,
    api: engine,
    files,
    store,
    marketData,
    dataDir: opts.dataDir,
    ...(repaired ? { repaired } : {}),
    async close() {
      if (closed) return;
      closed = true;
      check?.stop();
      await engine.stop();
      await marketData.stop();
      marketCache.close();
      backtestRuns.close();
      try {
        // throws when what is still pending cannot be written (disk full): the folder is released all the same
        store.close();
      } finally {
        lock.release();
      }
    },
  };
}

let ccxtVenues: Promise<typeof import('./venues/ccxt/account-venue.js')> | null = null;
/** the ccxt venues' module, imported on first use (one import for every runtime of the process) */
function loadCcxtVenues(): Promise<typeof import('./venues/ccxt/account-venue.js')> {
  ccxtVenues ??= import('./venues/ccxt/account-venue.js').catch((err: unknown) => {
    ccxtVenues = null;
    throw err;
  });
  return ccxtVenues;
}

function openMarkets(markets: ReadonlyArray<{ feed: string; symbol: string }>, clock: Clock): MarketFeed {
  const feeds = markets.map((m) => openFeed(m.feed, m.symbol, clock));
  return feeds.length === 1 ? feeds[0]! : new MultiFeed(feeds);
}

/** Paper markets replay on the engine's clock, so orders, fills, trades and candles share one time axis. */
function openFeed(spec: string | undefined, symbol: string, clock: Clock): MarketFeed {
  const timeline = { clock };
  if (!spec) return ReplayFeed.fromFile(bundledSampleFeed(), { symbol, speed: 10, timeline });
  const parsed = parseFeedSpec(spec);
  return ReplayFeed.fromFile(parsed.file, { symbol, speed: parsed.speed, timeline });
}
