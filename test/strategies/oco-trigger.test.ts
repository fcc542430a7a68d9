/**
 * Issue 14 follow-up: a strategy can do what a trader and a bot can with
 * protective orders: placeOco with a take-profit trigger leg
 * (take_profit_market / take_profit_limit) and amend a waiting trigger's
 * stopPrice, refused by the engine's rules by name (docs/strategies.md).
 * On paper, on a replayed series the test steps bar by bar.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';
import { Engine } from '../../src-main/engine/engine.js';
import { ManualClock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import { parseCandleSeries, type CandleSeries } from '../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';
import { defineStrategy, type StrategyContext, type StrategyFill, type StrategyOrder } from '../../src-main/strategies/api.js';
import { StrategyManager } from '../../src-main/strategies/live-runner.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';

const T0 = 1_700_000_000_000;
const ctx = { actor: 'test' };

/** bars from [open, high, low, close], one a minute */
function series(rows: Array<[number, number, number, number]>): CandleSeries {
  return parseCandleSeries(['timestamp,open,high,low,close,volume', ...rows.map((r, i) => `${T0 + i * 60_000},${r.join(',')},5`)].join('\n'), 'test');
}

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
    const i = feed.position.index;
    clock.set(bars.ts[i]! + 60_000);
    feed.step(1);
    for (let k = 0; k < 5; k++) await settle();
  };
  return { engine, step };
}

interface Seen {
  orders: StrategyOrder[];
  fills: StrategyFill[];
  results: unknown[];
  errors: Array<{ code?: string; message: string; details?: Record<string, unknown> }>;
}

/** a strategy that runs `script` on each bar, noting what it placed, heard and was refused */
function scripted(script: (index: number, c: StrategyContext, seen: Seen) => Promise<unknown> | void, seen: Seen) {
  return defineStrategy({
    name: 'script',
    params: {},
    create: () => ({
      onBar: async (bar, c) => {
        try {
          const r = await script(bar.index, c, seen);
          if (r !== undefined) seen.results.push(r);
        } catch (err) {
          const e = err as { code?: string; message: string; details?: Record<string, unknown> };
          seen.errors.push({ code: e.code, message: e.message, details: e.details });
        }
      },
      onOrder: (o) => void seen.orders.push(o),
      onFill: (f) => void seen.fills.push(f),
    }),
  });
}

let managers: StrategyManager[] = [];
afterEach(async () => {
  for (const m of managers) await m.stopAll();
  managers = [];
});

async function run(rows: Array<[number, number, number, number]>, script: Parameters<typeof scripted>[0]) {
  const paper = await paperEngine(series(rows));
  const manager = new StrategyManager(paper.engine, {});
  managers.push(manager);
  const seen: Seen = { orders: [], fills: [], results: [], errors: [] };
  await manager.start({ strategy: scripted(script, seen), account: 'paper', symbol: 'BTC/USD', params: {} });
  for (let i = 0; i < rows.length; i++) await paper.step();
  return { ...paper, seen };
}

describe('a strategy’s OCO with a take-profit trigger leg, on paper', () => {
  it('placeOco with a take_profit_market leg: the legs come back as placed; the rise to the trigger sells, the stop is canceled', async () => {
    let legs: StrategyOrder[] = [];
    const { engine, seen } = await run(
      [
        [100, 100, 100, 100],
        [100, 100, 100, 100], // bought 1; the OCO is placed
        [100, 101, 95, 99], // neither leg reached
        [99, 112, 99, 111], // the take profit's trigger 110 reached: it fires a market sell
        [111, 111, 111, 111],
      ],
      async (i, c) => {
        if (i === 0) await c.buy('1');
        if (i === 1) legs = await c.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_market', stopPrice: '110' }, stopLoss: { stopPrice: '90' } });
      },
    );
    expect(seen.errors).toEqual([]);
    expect(legs.map((o) => [o.type, o.stopPrice?.toFixed() ?? null, o.price?.toFixed() ?? null])).toEqual([
      ['take_profit_market', '110', null],
      ['stop_market', '90', null],
    ]);
    expect(seen.fills.map((f) => f.side)).toEqual(['buy', 'sell']);
    expect(seen.fills[1]!.price.gte(110)).toBe(true);
    const [tp, sl] = await Promise.all(legs.map((l) => engine.call('orders.get', { id: l.id }, ctx)));
    expect([tp!.status, sl!.status]).toEqual(['filled', 'canceled']);
  });

  it('placeOco with a take_profit_limit leg carries its trigger and its limit', async () => {
    let legs: StrategyOrder[] = [];
    const { seen } = await run(
      [
        [100, 100, 100, 100],
        [100, 100, 100, 100],
      ],
      async (i, c) => {
        if (i === 0) await c.buy('1');
        if (i === 1) legs = await c.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_limit', stopPrice: '110', price: '109' }, stopLoss: { stopPrice: '90', price: '89' } });
      },
    );
    expect(seen.errors).toEqual([]);
    expect(legs.map((o) => [o.type, o.stopPrice?.toFixed() ?? null, o.price?.toFixed() ?? null])).toEqual([
      ['take_profit_limit', '110', '109'],
      ['stop_limit', '90', '89'],
    ]);
  });

  it('the engine’s refusals come back by name: a take_profit_market with a price, a trigger already reached', async () => {
    const { seen } = await run(
      [
        [100, 100, 100, 100],
        [100, 100, 100, 100],
        [100, 100, 100, 100],
      ],
      async (i, c) => {
        if (i === 0) await c.buy('1');
        if (i === 1) await c.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_market', stopPrice: '110', price: '111' }, stopLoss: { stopPrice: '90' } });
        if (i === 2) await c.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_market', stopPrice: '95' }, stopLoss: { stopPrice: '90' } });
      },
    );
    expect(seen.errors.map((e) => [e.code, e.details?.['field']])).toEqual([
      ['INVALID_ORDER', 'take_profit.price'],
      ['INVALID_ORDER', 'take_profit.stop_price'],
    ]);
    expect(seen.errors[1]!.details?.['rule']).toBe('take_profit_side');
  });

  it('amend with stopPrice moves a waiting trigger (openOrders shows it); where the market already is it is refused by rule', async () => {
    let legs: StrategyOrder[] = [];
    let afterAmend: StrategyOrder[] = [];
    const { engine, seen } = await run(
      [
        [100, 100, 100, 100],
        [100, 100, 100, 100], // bought 1; the OCO is placed
        [100, 100, 100, 100], // the take profit's trigger moved 110 → 120, the stop's 90 → 95
        [100, 100, 100, 100], // the stop to 101, above the market: refused
        [100, 115, 100, 114], // the old trigger 110 passed: nothing fires
      ],
      async (i, c) => {
        if (i === 0) await c.buy('1');
        if (i === 1) legs = await c.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_market', stopPrice: '110' }, stopLoss: { stopPrice: '90' } });
        if (i === 2) {
          const moved = [await c.amend(legs[0]!.id, { stopPrice: '120' }), await c.amend(legs[1]!.id, { stopPrice: '95' })];
          afterAmend = c.openOrders();
          return moved.map((o) => o.stopPrice!.toFixed());
        }
        if (i === 3) await c.amend(legs[1]!.id, { stopPrice: '101' });
      },
    );
    expect(seen.results).toEqual([['120', '95']]);
    expect(afterAmend.map((o) => o.stopPrice!.toFixed())).toEqual(['120', '95']);
    // the paper venue holds the stop itself: its refusal, as the exchange's, says why (the rule name is Tern's, for triggers Tern holds)
    expect(seen.errors.map((e) => [e.code, e.details?.['field']])).toEqual([['INVALID_ORDER', 'stop_price']]);
    expect(seen.errors[0]!.message).toMatch(/would trigger immediately/i);
    expect(seen.fills.map((f) => f.side)).toEqual(['buy']);
    const open = await engine.call('orders.list', { status: 'open' }, ctx);
    expect(open.map((o) => [o.type, o.stop_price]).sort()).toEqual([
      ['stop_market', '95'],
      ['take_profit_market', '120'],
    ]);
  });
});
