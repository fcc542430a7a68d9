// A running strategy's results (issue 11): its own trades, PnL, fees, exposure and equity curve since it
// started, measured by the backtest report's definitions so a live run and a backtest read alike.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../src-common/contract/methods.js';
import type { Candle, Fill } from '../../src-common/contract/schemas.js';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';
import { Engine } from '../../src-main/engine/engine.js';
import { dec } from '../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import { type CandleSeries, parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import { strategyResults } from '../../src-main/strategies/strategy-results.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';

const ctx = { actor: 'test' };
const T0 = 1_700_000_000_000;
const fill = (side: 'buy' | 'sell', price: string, fee: string, ts: number): Fill =>
  ({ id: `f${ts}`, order_id: `o${ts}`, client_order_id: `s-${ts}`, account: 'paper', symbol: 'BTC/USD', side, quantity: '1', price, fee, fee_asset: 'USD', liquidity: 'taker', ts: new Date(ts).toISOString(), strategy_id: 's' }) as Fill;
const candle = (i: number, close: string): Candle => [T0 + i * 60_000, close, close, close, close, '1'];

describe("a strategy's results", () => {
  it('equity at each bar close is cash + what its fills moved + its position at the close; the metrics are the report’s', () => {
    const r = strategyResults({
      fills: [fill('buy', '100', '0.1', T0 + 10_000), fill('sell', '110', '0.11', T0 + 120_000 + 10_000)],
      candles: [candle(0, '100'), candle(1, '105'), candle(2, '110')],
      quote: 'USD',
      cash: dec('1000'),
      startedAt: T0,
      mark: null,
    });
    expect(r.equity_curve.map(([ts, e]) => [ts, e])).toEqual([
      [T0, 999.9],
      [T0 + 60_000, 1004.9],
      [T0 + 120_000, 1009.79],
    ]);
    expect(r.trade_list).toEqual([{ side: 'long', entry_time: T0 + 10_000, entry_price: '100', exit_time: T0 + 130_000, exit_price: '110', quantity: '1', pnl_gross: '10', pnl_net: '9.79', fees: '0.21' }]);
    expect(r.metrics).toMatchObject({ bars: 3, trades: 1, final_equity: '1009.79', win_rate: 1, fees: '0.21', exposure: 2 / 3, expectancy: '9.79' });
    expect(r.metrics.total_return).toBeCloseTo(0.00979, 12);
    expect(r).toMatchObject({ position: '0', realized_pnl: '10', unrealized_pnl: '0', open_position: null, start_ts: T0, end_ts: T0 + 120_000 });
  });

  it('an open position is valued at the mark', () => {
    const r = strategyResults({ fills: [fill('buy', '100', '0', T0 + 10_000)], candles: [candle(0, '101')], quote: 'USD', cash: dec('1000'), startedAt: T0, mark: dec('120') });
    expect(r).toMatchObject({ position: '1', unrealized_pnl: '20', mark_price: '120', open_position: { side: 'long', quantity: '1', unrealized_pnl: '20' } });
    expect(r.metrics).toMatchObject({ trades: 0, final_equity: '1020' });
  });
});

describe('strategies.get on a paper engine', () => {
  const FTX = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 401).join('\n'));

  async function paperEngine(bars: CandleSeries) {
    const clock = new ManualClock(bars.ts[0]!);
    const ids = new SequentialIds('p');
    const feed = new ReplayFeed({ symbol: 'BTC/USD', bars, speed: 0, loop: false });
    const engine = new Engine({
      store: new MemoryStore(),
      clock,
      ids,
      version: 'test',
      paperBalances: { USD: '10000' },
      venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: a.startingBalances }),
      features: (host) => strategyHandlers(host.api, { clock: host.clock, log: host.log }),
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

  it("shows the strategy's own trades, fees and equity since it started, not the trader's, in the report's schema", async () => {
    const paper = await paperEngine(FTX);
    await paper.step();
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'fast', symbol: 'BTC/USD', params: { fast: 3, slow: 8, fraction: 0.5 } }, ctx);
    // the trader's own order on the same account and symbol is not the strategy's
    await paper.engine.call('orders.create', { symbol: 'BTC/USD', side: 'buy', type: 'market', quantity: '0.01' }, ctx);
    for (let i = 0; i < 300; i++) await paper.step();

    const detail = await paper.engine.call('strategies.get', { id: 'fast', cash: '5000' }, ctx);
    METHODS['strategies.get'].result.parse(detail);
    const r = detail.results;
    const fills = (await paper.engine.call('fills.list', { account: 'paper', limit: 10_000 }, ctx)).filter((f) => f.client_order_id.startsWith('fast-'));
    expect(fills.length).toBeGreaterThan(10);
    expect(r.metrics.trades).toBe(r.trade_list.length);
    expect(r.metrics.trades).toBeGreaterThan(3);
    expect(r.metrics.fees).toBe(fills.reduce((s, f) => s.add(dec(f.fee)), dec(0)).toFixed());
    expect(r.position).toBe(fills.reduce((s, f) => (f.side === 'buy' ? s.add(dec(f.quantity)) : s.sub(dec(f.quantity))), dec(0)).toFixed());
    expect(r.cash).toBe('5000');
    // a bar of the curve per minute since it started
    expect(r.equity_curve.length).toBeGreaterThanOrEqual(299);
    expect(r.metrics.bars).toBe(r.equity_curve.length);
    expect(Object.keys(r.metrics)).toEqual(Object.keys(METHODS['backtests.get'].result.shape.report.unwrap().shape.metrics.shape));
    await expect(paper.engine.call('strategies.get', { id: 'nope' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
    await paper.engine.call('strategies.stop', { id: 'fast' }, ctx);
  });

  it('averages and the PnL made from them leave at the documented scale (docs/api.md, Conventions), not as 40-digit quotients', () => {
    const entries = [fill('buy', '100', '0', T0 + 1_000), fill('buy', '100', '0', T0 + 2_000), fill('buy', '101', '0', T0 + 3_000)];
    const closed = strategyResults({ fills: [...entries, { ...fill('sell', '110', '0', T0 + 70_000), quantity: '3' }], candles: [candle(0, '100'), candle(1, '110')], quote: 'USD', cash: dec('1000'), startedAt: T0, mark: null });
    expect(closed.trade_list).toEqual([{ side: 'long', entry_time: T0 + 1_000, entry_price: '100.333333333333', exit_time: T0 + 70_000, exit_price: '110', quantity: '3', pnl_gross: '29', pnl_net: '29', fees: '0' }]);
    expect(closed.realized_pnl).toBe('29');
    const open = strategyResults({ fills: entries, candles: [candle(0, '100')], quote: 'USD', cash: dec('1000'), startedAt: T0, mark: dec('120') });
    expect(open.open_position).toMatchObject({ entry_price: '100.333333333333', unrealized_pnl: '59' });
    expect(open.unrealized_pnl).toBe('59');
  });
});
