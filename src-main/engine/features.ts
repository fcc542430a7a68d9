import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { TernError } from '../../src-common/contract/errors.js';
import type { Handlers, MethodName } from '../../src-common/contract/methods.js';
import type { Journal } from './journal.js';
import type { Clock, IdSource } from './ports/clock.js';
import type { Decimal } from './model/decimal.js';
import type { Logger } from './ports/logger.js';
import type { MarketFeed } from './ports/market-data.js';

/**
 * Methods whose handlers the kernel does not own: strategies run against the
 * engine through its protocol, backtests run engines of their own, and history
 * downloads are jobs over the feeds' history port (downloads/), so
 * importing them here would put every engine (even one inside a backtest) on
 * a circle through the backtest runner. The composition root (runtime.ts)
 * plugs them in.
 */
export const FEATURE_METHODS = [
  'strategies.list',
  'strategies.start',
  'strategies.stop',
  'strategies.setParams',
  'strategies.get',
  'strategies.getSettings',
  'strategies.setSettings',
  'backtests.start',
  'backtests.get',
  'backtests.list',
  'backtests.cancel',
  'backtests.delete',
  'files.list',
  'market.download',
  'market.downloads',
] as const satisfies readonly MethodName[];
export type FeatureMethod = (typeof FEATURE_METHODS)[number];
export type FeatureHandlers = Pick<Handlers, FeatureMethod>;

/** what a feature may use of the engine that plugs it in */
export interface FeatureHost {
  /** the engine itself, through the protocol every transport uses */
  api: EngineApi;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  /** tells subscribers about a feature's own events, in the journal's order */
  publish: Journal['publish'];
  /** the feed of an account that quotes `symbol`; NOT_FOUND when either is unknown */
  feed(account: string, symbol: string): MarketFeed;
  /** runs when the engine stops (a feature's timers and jobs end there) */
  onStop(stop: () => void): void;
  /** runs at the end of Engine.start, once the accounts are open (a feature resumes its work there) */
  onStarted(start: () => void | Promise<void>): void;
  /** the strategies feature says which strategy ids exist (a risk limit's strategy scope is refused for others) */
  knowsStrategies(lookup: (id: string) => boolean): void;
  /** a feature's own state, kept as journal `setting` entries (like the risk engine's) and read back at start */
  settings: FeatureSettings;
  /**
   * The strategies feature takes part in strategies' own breakers
   * (max_daily_loss, max_drawdown_pct on their ledgers): it gives a running
   * strategy's capital base and halts one whose breaker tripped. The returned
   * `rearm` is called when a strategy starts again.
   */
  strategyBreakers(hooks: StrategyBreakerHooks): { rearm(strategy: string): void };
}

export interface StrategyBreakerHooks {
  /** a running strategy's capital base, in its quote currency (its drawdown is measured on it); undefined: not running, not measured */
  capital(strategy: string): Decimal | undefined;
  /** its own breaker tripped: stop it (orders canceled, status halted, the numbers in its error) */
  halt(trip: { strategy: string; rule: string; limit: string; value: string; reason: string }): void;
}

export interface FeatureSettings {
  /** the value last saved under `name` and committed, or undefined */
  load(name: string): unknown;
  /** journals the whole new value; it is committed with the current batch */
  save(name: string, value: unknown): void;
}

/** builds the feature handlers once the engine exists (they call back into it) */
export type Features = (host: FeatureHost) => Partial<FeatureHandlers>;

/** every feature method: the given handlers, and for those not plugged in a refusal that names the method */
export function featureHandlers(given: Partial<FeatureHandlers> = {}): FeatureHandlers {
  const absent = Object.fromEntries(
    FEATURE_METHODS.map((m) => [
      m,
      () => {
        throw new TernError('NOT_FOUND', `${m} is not available in this engine`);
      },
    ]),
  ) as unknown as FeatureHandlers;
  return { ...absent, ...given };
}
