import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { Handlers } from '../../src-common/contract/methods.js';
import { type BacktestRunArchive, BacktestJobs } from '../backtest/jobs.js';
import { BacktestRunStore } from '../store/backtest-runs.js';
import { type Clock, systemClock } from '../engine/ports/clock.js';
import type { FeatureHost, FeatureMethod, FeatureSettings } from '../engine/features.js';
import type { StrategyInstance } from '../../src-common/contract/strategy-schemas.js';
import type { Logger } from '../engine/ports/logger.js';
import { BUILTIN_STRATEGIES } from './builtin/index.js';
import { FileAccess } from './file-access.js';
import { StrategyManager } from './live-runner.js';
import { describeParams } from './params.js';
import { loadStrategyResults } from './strategy-results.js';
import { TernError } from '../../src-common/contract/errors.js';

export type StrategyMethod = Exclude<FeatureMethod, 'market.download' | 'market.downloads'>;
export type StrategyHandlers = Pick<Handlers, StrategyMethod>;

export interface StrategyHandlerOptions {
  clock?: Clock;
  log?: Logger;
  /** where relative data and strategy paths of trusted callers are read from; default process.cwd() */
  cwd?: string;
  /** which files callers may name (default: none but built-ins and cache: data, except for trusted actors) */
  files?: FileAccess;
  /** where backtest runs are kept (the data folder's store); default a private in-memory one, gone with the process */
  runs?: BacktestRunArchive;
  /** FeatureHost.onStop: the strategies stop hearing events; backtests in progress are kept as interrupted and their workers end */
  onStop?: (stop: () => void) => void;
  /** FeatureHost.settings: strategies are kept there across restarts (default: not kept) */
  settings?: FeatureSettings;
  /** FeatureHost.onStarted: strategies running when Tern last stopped are resumed (or listed as stopped) there */
  onStarted?: (start: () => Promise<void>) => void;
  /** FeatureHost.knowsStrategies: the engine's risk limits take a strategy scope only for a strategy listed here */
  knowsStrategies?: (lookup: (id: string) => boolean) => void;
  /** FeatureHost.strategyBreakers: a strategy's own breaker halts it (status halted) */
  strategyBreakers?: FeatureHost['strategyBreakers'];
  /** resume them on start: overrides the stored setting for this start (serve --no-resume: false) */
  resume?: boolean;
  /** a strategy changed (started, stopped, failed, resumed, new parameters) */
  publish?: (instance: StrategyInstance) => void;
}

/**
 * The strategies.*, backtests.* and files.* methods, plugged into an engine by
 * the composition root: `new Engine({ features: (host) => strategyHandlers(host.api, …) })`. Strategies run against `api` (the
 * engine itself) through its protocol; backtests run on worker threads.
 * The manager and the job list are made on first use.
 */
export function strategyHandlers(api: EngineApi, opts: StrategyHandlerOptions = {}): StrategyHandlers {
  const clock = opts.clock ?? systemClock;
  const files = opts.files ?? new FileAccess(opts.cwd ? { cwd: opts.cwd } : {});
  const cwd = files.cwd;
  let manager: StrategyManager | null = null;
  let jobs: BacktestJobs | null = null;
  const breakers = opts.strategyBreakers?.({
    capital: (id) => manager?.capital(id),
    halt: (trip) => void manager?.haltByBreaker(trip),
  });
  const strategies = () =>
    (manager ??= new StrategyManager(api, {
      clock,
      cwd,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.settings ? { settings: opts.settings } : {}),
      ...(opts.publish ? { publish: opts.publish } : {}),
      ...(breakers ? { rearm: breakers.rearm } : {}),
    }));
  opts.onStarted?.(async () => {
    const m = strategies();
    await m.resume(opts.resume ?? m.settings.resumeOnStart());
  });
  // the strategies stay stored as they are: those running now resume on the next start
  opts.onStop?.(() => manager?.shutdown());
  const backtests = () => (jobs ??= new BacktestJobs({ clock, cwd, runs: opts.runs ?? BacktestRunStore.open(''), ...(opts.log ? { log: opts.log } : {}) }));
  opts.onStop?.(() => void jobs?.close());
  opts.knowsStrategies?.((id) => strategies().list().some((s) => s.id === id));
  return {
    'strategies.list': () => ({
      available: [...BUILTIN_STRATEGIES.values()].map((d) => ({ name: d.name, description: d.description ?? '', builtin: true, params: describeParams(d) })),
      running: manager ? manager.list() : [],
    }),
    // the file is checked before the manager loads (imports) anything
    'strategies.start': async (p, ctx) => {
      const started = await strategies().start({ strategy: files.strategy(p.strategy, ctx.actor), account: p.account, symbol: p.symbol, params: p.params, ...(p.id ? { id: p.id } : {}) });
      // who started what, where: a strategy trades on its own from here on
      const { id, strategy, source, account, symbol, mode } = started;
      if (p.limits) {
        // its own limits, before the first bar reaches it; refused ones stop it again: never running without what was asked
        try {
          await api.call('risk.setLimits', { strategy: id, limits: p.limits }, ctx);
        } catch (err) {
          await strategies()
            .stop(id, true)
            .catch(() => {});
          throw err;
        }
      }
      opts.log?.info({ strategy_id: id, strategy, source, account, symbol, mode, limits: p.limits, by: ctx.actor }, 'strategy started');
      return started;
    },
    'strategies.stop': async (p, ctx) => {
      const stopped = await strategies().stop(p.id, p.cancel_orders);
      opts.log?.info({ strategy_id: p.id, by: ctx.actor }, 'strategy stopped');
      return stopped;
    },
    'strategies.setParams': (p) => strategies().setParams(p.id, p.params),
    // its results are read through the protocol like everything it does: its fills, its symbol's bars, the account's balance
    'strategies.get': async ({ id, cash }) => {
      const instance = strategies()
        .list()
        .find((s) => s.id === id);
      if (!instance) throw new TernError('NOT_FOUND', `strategy not found: ${id}`, { id, field: 'id' });
      return { ...instance, results: await loadStrategyResults(api, instance, { now: clock.now(), ...(cash !== undefined ? { cash } : {}) }) };
    },
    'strategies.getSettings': () => ({ resume_on_start: strategies().settings.resumeOnStart() }),
    'strategies.setSettings': (p, ctx) => {
      strategies().settings.setResumeOnStart(p.resume_on_start);
      opts.log?.info({ resume_on_start: p.resume_on_start, by: ctx.actor }, 'strategy setting changed');
      return { resume_on_start: p.resume_on_start };
    },
    'backtests.start': (p, ctx) => backtests().start(p, { data: files.data(p.data, ctx.actor), strategy: files.strategy(p.strategy, ctx.actor) }),
    'backtests.get': ({ id }) => backtests().get(id),
    // kept runs are listed from the first call on, those of earlier sessions included
    'backtests.list': () => backtests().list(),
    'backtests.cancel': ({ id }) => backtests().cancel(id),
    'backtests.delete': ({ id }) => backtests().delete(id),
    'files.list': () => files.list(),
  };
}
