// A strategy's own breakers (issue 11, per-strategy risk): max_daily_loss and max_drawdown_pct measured
// on its ledger halt that strategy alone — its orders canceled, its status halted with the numbers —
// while the account stays ACTIVE, other strategies and the trader go on trading.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src-main/backtest/memory-store.js';
import { Engine } from '../../../src-main/engine/engine.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { type CandleSeries, parseCandleSeries } from '../../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../../src-main/feeds/replay/replay-feed.js';
import { defineStrategy } from '../../../src-main/strategies/api.js';
import { StrategyManager } from '../../../src-main/strategies/live-runner.js';
import { strategyHandlers } from '../../../src-main/strategies/strategy-handlers.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';

const ctx = { actor: 'test' };
const T0 = 1640991660000;

/** a losing path: BTC/USD falls 100 a minute from 46,000 */
function falling(bars: number): CandleSeries {
  const rows = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < bars; i++) {
    const open = 46_000 - 100 * i;
    rows.push(`${T0 + i * 60_000},${open},${open},${open - 100},${open - 100},1000`);
  }
  return parseCandleSeries(rows.join('\n'));
}

/** buys 0.1 BTC at market on its first bar and holds it; rests a small buy far below on every bar */
const holder = defineStrategy({
  name: 'holder',
  params: { cash: { type: 'number', default: 5000, min: 0 } },
  create: () => {
    let bought = false;
    return {
      onBar: (_bar, c) => {
        if (!bought) {
          bought = true;
          void c.buy('0.1').catch(() => {});
        }
        void c.buy('0.001', { type: 'limit', price: '30000' }).catch(() => {});
      },
    };
  },
});

/** rests a small buy far below on every bar: never loses */
const rester = defineStrategy({
  name: 'rester',
  params: {},
  create: () => ({
    onBar: (_bar, c) => {
      void c.buy('0.001', { type: 'limit', price: '30000' }).catch(() => {});
    },
  }),
});

/** an engine whose strategies run in `manager` (test-defined strategies), wired to the breakers as runtime.ts wires the feature */
async function paperEngine(bars: CandleSeries) {
  const clock = new ManualClock(bars.ts[0]!);
  const ids = new SequentialIds('p');
  const feed = new ReplayFeed({ symbol: 'BTC/USD', bars, speed: 0, loop: false });
  // made once the engine exists; the engine's hooks ask it from then on
  const runner: { manager?: StrategyManager } = {};
  let rearm: (id: string) => void = () => {};
  const engine = new Engine({
    store: new MemoryStore(),
    clock,
    ids,
    version: 'test',
    paperBalances: { USD: '100000' },
    venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: a.startingBalances }),
    features: (host) => {
      host.knowsStrategies((id) => runner.manager?.list().some((s) => s.id === id) ?? false);
      rearm = host.strategyBreakers({ capital: (id) => runner.manager?.capital(id), halt: (trip) => void runner.manager?.haltByBreaker(trip) }).rearm;
      return {};
    },
  });
  await engine.start();
  const manager = (runner.manager = new StrategyManager(engine, { clock, rearm: (id) => rearm(id) }));
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const step = async () => {
    clock.set(bars.ts[feed.position.index]! + 60_000);
    feed.step(1);
    for (let k = 0; k < 5; k++) await settle();
  };
  return { engine, manager, step };
}

const start = (manager: StrategyManager, strategy: typeof holder | typeof rester, id: string) => manager.start({ strategy, id, account: 'paper', symbol: 'BTC/USD', params: {} });
const byId = (manager: StrategyManager, id: string) => manager.list().find((s) => s.id === id)!;

describe("a strategy's own breakers", () => {
  it('max_daily_loss on a losing replay path halts that strategy only: its orders canceled, the numbers in its status; a second strategy and manual trading go on', async () => {
    const { engine, manager, step } = await paperEngine(falling(40));
    await step();
    await start(manager, holder, 'loser');
    await start(manager, rester, 'rest');
    await engine.call('risk.setLimits', { strategy: 'loser', limits: { max_daily_loss: '30' } }, ctx);
    let halted = false;
    for (let i = 0; i < 15 && !halted; i++) {
      await step();
      halted = byId(manager, 'loser').status === 'halted';
    }
    const loser = byId(manager, 'loser');
    expect(loser.status).toBe('halted');
    expect(loser.error).toMatch(/max_daily_loss \(value \d+(\.\d+)?, limit 30\): strategy loser lost/);
    // the trip is listed with the account's breakers, and the account still trades
    const risk = await engine.call('risk.get', {}, ctx);
    expect(risk.state).toBe('ACTIVE');
    const trip = risk.breakers.find((b) => b.strategy === 'loser')!;
    expect(trip).toMatchObject({ rule: 'max_daily_loss', account: null, limit: '30' });
    expect(Number(trip.value)).toBeGreaterThan(30);
    // its working orders are canceled; its position stays its own
    const open = () => engine.call('orders.list', { status: 'open', limit: 1000 }, ctx);
    expect((await open()).filter((o) => o.strategy_id === 'loser')).toEqual([]);
    const owned = await engine.call('positions.owned', { strategy_id: 'loser' }, ctx);
    expect(owned[0]!.quantity).toBe('0.1');

    // the other strategy keeps placing orders, and the trader trades
    const restBefore = (await open()).filter((o) => o.strategy_id === 'rest').length;
    const loserPlaced = byId(manager, 'loser').orders_placed;
    await step();
    await step();
    expect((await open()).filter((o) => o.strategy_id === 'rest').length).toBe(restBefore + 2);
    expect(byId(manager, 'rest').status).toBe('running');
    expect(byId(manager, 'loser').orders_placed).toBe(loserPlaced);
    const manual = await engine.call('orders.create', { symbol: 'BTC/USD', side: 'buy', type: 'market', quantity: '0.01' }, ctx);
    expect(manual.status).toBe('filled');

    // listed as halted, and the trader may start it again
    const again = await start(manager, holder, 'loser');
    expect(again.status).toBe('running');
    await manager.stopAll();
  });

  it("max_drawdown_pct is measured on the strategy's capital base (its cash share at start)", async () => {
    const { engine, manager, step } = await paperEngine(falling(40));
    await step();
    // capital 5000 (its cash parameter): 0.1 BTC losing 100 a bar is 0.2% a bar
    await start(manager, holder, 'dd');
    await engine.call('risk.setLimits', { strategy: 'dd', limits: { max_drawdown_pct: '1' } }, ctx);
    for (let i = 0; i < 15 && byId(manager, 'dd').status === 'running'; i++) await step();
    const dd = byId(manager, 'dd');
    expect(dd.status).toBe('halted');
    expect(dd.error).toMatch(/max_drawdown_pct \(value 1\.\d+, limit 1\): strategy dd: equity .* below its peak 5000/);
    expect((await engine.call('risk.get', {}, ctx)).state).toBe('ACTIVE');
  });
});

describe("a strategy's breaker limits", () => {
  it('are validated as for an account, are set in a start request, and a breaker a strategy scope does not take is refused', async () => {
    const bars = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 11).join('\n'));
    const clock = new ManualClock(bars.ts[0]!);
    const ids = new SequentialIds('p');
    const feed = new ReplayFeed({ symbol: 'BTC/USD', bars, speed: 0, loop: false });
    const engine = new Engine({
      store: new MemoryStore(),
      clock,
      ids,
      version: 'test',
      paperBalances: { USD: '100000' },
      venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: a.startingBalances }),
      features: (host) => strategyHandlers(host.api, { clock: host.clock, log: host.log, knowsStrategies: host.knowsStrategies, strategyBreakers: host.strategyBreakers }),
    });
    await engine.start();
    await engine.call('strategies.start', { strategy: 'sma-cross', id: 's', symbol: 'BTC/USD', limits: { max_daily_loss: '50', max_drawdown_pct: '5' } }, ctx);
    expect((await engine.call('risk.get', {}, ctx)).limits).toContainEqual({ account: null, symbol: null, strategy: 's', limits: { max_daily_loss: '50', max_drawdown_pct: '5' } });
    const refused = (limits: Record<string, string>) => engine.call('risk.setLimits', { strategy: 's', limits }, ctx);
    await expect(refused({ max_daily_loss: '-5' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_daily_loss' } });
    await expect(refused({ max_drawdown_pct: '150' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_drawdown_pct' } });
    await expect(refused({ max_drawdown_pct: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_drawdown_pct' } });
    await expect(refused({ max_consecutive_losses: '3' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_consecutive_losses' } });
    await expect(engine.call('strategies.start', { strategy: 'sma-cross', id: 't', symbol: 'BTC/USD', limits: { max_daily_loss: '-1' } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_daily_loss' } });
    const t = (await engine.call('strategies.list', {}, ctx)).running.find((s) => s.id === 't');
    expect(t?.status ?? 'stopped').not.toBe('running');
    await engine.call('strategies.stop', { id: 's' }, ctx);
  });
});
