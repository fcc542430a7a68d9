// Risk limits with a strategy scope (issue 11): checked on the strategy's own orders and ledger by the
// same rule modules, besides the account's limits; a manual order or another strategy is not affected.
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
const FTX = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 41).join('\n'));

/** `extra`: strategy ids run by a manager of the test's own, known to the risk engine too */
async function paperEngine(bars: CandleSeries, extra: string[] = []) {
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
    features: (host) => strategyHandlers(host.api, { clock: host.clock, log: host.log, knowsStrategies: (lookup) => host.knowsStrategies((id) => extra.includes(id) || lookup(id)) }),
  });
  await engine.start();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const step = async () => {
    clock.set(bars.ts[feed.position.index]! + 60_000);
    feed.step(1);
    for (let k = 0; k < 5; k++) await settle();
  };
  return { engine, step };
}

/** rests a limit buy of 0.01 far below the market on every bar */
const rester = defineStrategy({
  name: 'rester',
  params: {},
  create: () => ({
    onBar: (_bar, c) => {
      void c.buy('0.01', { type: 'limit', price: '30000' }).catch(() => {});
    },
  }),
});

describe('risk limits of a strategy', () => {
  it('refuse its own orders beyond them, by the same rules, and leave manual orders and other strategies alone', async () => {
    const paper = await paperEngine(FTX);
    await paper.step();
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'small', symbol: 'BTC/USD', params: { fast: 2, slow: 3, fraction: 0.5 }, limits: { max_order_notional: '100' } }, ctx);
    const risk = await paper.engine.call('risk.get', {}, ctx);
    expect(risk.limits).toContainEqual({ account: null, symbol: null, strategy: 'small', limits: { max_order_notional: '100' } });
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'big', symbol: 'BTC/USD', params: { fast: 2, slow: 3, fraction: 0.2 } }, ctx);
    for (let i = 0; i < 30; i++) await paper.step();
    const running = Object.fromEntries((await paper.engine.call('strategies.list', {}, ctx)).running.map((s) => [s.id, s]));
    // the strategy's orders above 100 USD were refused, naming its scope
    expect(running['small']!.refusals.length).toBeGreaterThan(0);
    expect(running['small']!.refusals[0]).toMatchObject({ code: 'RISK_REJECTED', message: expect.stringContaining('max_order_notional (strategy small)') });
    // the other strategy traded freely, and so does the trader
    const orders = await paper.engine.call('orders.list', { account: 'paper', limit: 1000 }, ctx);
    expect(orders.filter((o) => o.client_order_id.startsWith('big-') && o.status === 'filled').length).toBeGreaterThan(0);
    expect(orders.filter((o) => o.client_order_id.startsWith('small-'))).toEqual([]);
    expect(running['big']!.refusals).toEqual([]);
    const manual = await paper.engine.call('orders.create', { symbol: 'BTC/USD', side: 'buy', type: 'market', quantity: '0.01' }, ctx);
    expect(manual.status).not.toBe('rejected');
  });

  it("count a strategy's own working orders for its max_open_orders, not the account's", async () => {
    const paper = await paperEngine(FTX, ['rest']);
    const manager = new StrategyManager(paper.engine, {});
    await paper.step();
    // the trader's own resting orders do not count against the strategy
    for (let i = 0; i < 3; i++) await paper.engine.call('orders.create', { symbol: 'BTC/USD', side: 'buy', type: 'limit', price: '30000', quantity: '0.01' }, ctx);
    const started = await manager.start({ strategy: rester, id: 'rest', account: 'paper', symbol: 'BTC/USD', params: {} });
    const engine = paper.engine;
    await engine.call('risk.setLimits', { strategy: started.id, limits: { max_open_orders: '2' } }, ctx);
    for (let i = 0; i < 5; i++) await paper.step();
    const open = await engine.call('orders.list', { status: 'open', limit: 100 }, ctx);
    expect(open.filter((o) => o.client_order_id.startsWith('rest-'))).toHaveLength(2);
    expect(open.filter((o) => !o.client_order_id.startsWith('rest-'))).toHaveLength(3);
    expect(manager.list()[0]!.refusals[0]).toMatchObject({ code: 'RISK_REJECTED', message: expect.stringContaining('max_open_orders (strategy rest)') });
    await manager.stopAll();
  });

  it('are refused for a strategy that does not exist, for a name a strategy scope does not take, and beside an account', async () => {
    const paper = await paperEngine(FTX);
    await expect(paper.engine.call('risk.setLimits', { strategy: 'ghost', limits: { max_order_notional: '100' } }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'strategy' } });
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'real', symbol: 'BTC/USD' }, ctx);
    await expect(paper.engine.call('risk.setLimits', { strategy: 'real', limits: { max_order_quantity: '1' } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_order_quantity' } });
    // a breaker not measured on a strategy's ledger: refused, not kept and ignored (its own daily loss and drawdown: strategy-breakers.test.ts)
    await expect(paper.engine.call('risk.setLimits', { strategy: 'real', limits: { max_consecutive_losses: '3' } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.max_consecutive_losses' } });
    await expect(paper.engine.call('risk.setLimits', { strategy: 'real', account: 'paper', limits: { max_open_orders: '1' } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'strategy' } });
    // a refused limit in the start request leaves no strategy running
    await expect(paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'bad', symbol: 'BTC/USD', limits: { price_band_pct: '1' } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'limits.price_band_pct' } });
    const running = (await paper.engine.call('strategies.list', {}, ctx)).running;
    expect(running.find((s) => s.id === 'bad')?.status ?? 'stopped').not.toBe('running');
    const set = await paper.engine.call('risk.setLimits', { strategy: 'real', limits: { max_open_orders: '1' } }, ctx);
    expect(set.limits).toContainEqual({ account: null, symbol: null, strategy: 'real', limits: { max_open_orders: '1' } });
  });
});
