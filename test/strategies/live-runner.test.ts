import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';
import { runBacktest } from '../../src-main/backtest/runner.js';
import { Engine } from '../../src-main/engine/engine.js';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import { type CandleSeries, parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';
import { defineStrategy, type AnyStrategyDefinition, type StrategyContext } from '../../src-main/strategies/api.js';
import smaCross from '../../src-main/strategies/builtin/sma-cross.js';
import { StrategyManager } from '../../src-main/strategies/live-runner.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';

const FTX = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 1201).join('\n'));
const ctx = { actor: 'test' };

/** a paper engine on a replay of `bars` that the test steps bar by bar */
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
  /** the next bar, then everything it set off (strategy, orders, fills, events) */
  const step = async () => {
    const i = feed.position.index;
    clock.set(bars.ts[i]! + 60_000);
    feed.step(1);
    for (let k = 0; k < 5; k++) await settle();
  };
  return { engine, feed, clock, step, settle };
}

/** `definition` with its buy and sell decisions written down as [bar time, side, quantity] */
function spy(definition: AnyStrategyDefinition, decisions: Array<[number, string, string]>): AnyStrategyDefinition {
  let barTs = 0;
  const wrap = (c: StrategyContext): StrategyContext => {
    const w = Object.create(c) as StrategyContext;
    w.buy = (q, o) => (decisions.push([barTs, 'buy', c.floorQuantity(q).toFixed()]), c.buy(q, o));
    w.sell = (q, o) => (decisions.push([barTs, 'sell', c.floorQuantity(q).toFixed()]), c.sell(q, o));
    return w;
  };
  return {
    ...definition,
    create(params, c) {
      const inner = definition.create(params, wrap(c));
      return {
        ...inner,
        onBar: (bar, c2) => {
          barTs = bar.ts;
          return inner.onBar?.(bar, wrap(c2));
        },
      };
    },
  };
}

let managers: StrategyManager[] = [];
afterEach(async () => {
  for (const m of managers) await m.stopAll();
  managers = [];
});

describe('the same strategy in a backtest and on paper', () => {
  it('makes the same decisions on the same replayed data', async () => {
    const inBacktest: Array<[number, string, string]> = [];
    const backtest = await runBacktest({
      data: FTX,
      symbol: 'BTC/USD',
      strategy: spy(smaCross, inBacktest),
      cash: '10000',
      fee: '0.001',
      // the instrument the replay derives for this file, so that sizes round alike
      instrument: { sizeIncrement: '0.00001', minQuantity: '0.00001', minNotional: '5' },
    });

    const onPaper: Array<[number, string, string]> = [];
    const paper = await paperEngine(FTX);
    const manager = new StrategyManager(paper.engine, { clock: paper.clock });
    managers.push(manager);
    await manager.start({ strategy: spy(smaCross, onPaper), account: 'paper', symbol: 'BTC/USD', params: {} });
    for (let i = 0; i < FTX.length; i++) await paper.step();

    expect(inBacktest.length).toBeGreaterThan(20);
    // the signals and sides are the same bar for bar; sizes follow the cash, which the fills (next open vs the book now) move apart
    expect(onPaper.map(([ts, side]) => [ts, side])).toEqual(inBacktest.map(([ts, side]) => [ts, side]));
    expect(onPaper[0]).toEqual(inBacktest[0]);
    // every decision became an order through the OMS, tagged with the strategy's id, and filled (walking the paper book)
    const orders = await paper.engine.call('orders.list', { account: 'paper', limit: 10_000 }, ctx);
    expect(orders).toHaveLength(onPaper.length);
    expect(orders.every((o) => o.client_order_id.startsWith('sma-cross-') && o.status === 'filled')).toBe(true);

    // the strategy's ledgers: in both, every order and fill is the strategy's, its own position is what its fills give, and it ends alike
    expect(orders.every((o) => o.strategy_id === 'sma-cross')).toBe(true);
    expect(backtest.orderRecords.every((o) => o.strategyId === 'sma-cross')).toBe(true);
    const paperFills = await paper.engine.call('fills.list', { strategy_id: 'sma-cross', limit: 10_000 }, ctx);
    expect(backtest.fills.every((f) => f.strategyId === 'sma-cross')).toBe(true);
    const net = (fills: Array<{ side: string; quantity: { toString(): string } }>) =>
      fills.reduce((q, f) => (f.side === 'buy' ? q.add(f.quantity.toString()) : q.sub(f.quantity.toString())), new Decimal(0));
    const [paperLedger] = await paper.engine.call('positions.owned', { strategy_id: 'sma-cross' }, ctx);
    expect(new Decimal(paperLedger!.quantity).eq(net(paperFills))).toBe(true);
    expect(backtest.ledger!.quantity.eq(net(backtest.fills))).toBe(true);
    const lastSide = inBacktest.at(-1)![1];
    expect(backtest.ledger!.quantity.isZero()).toBe(lastSide === 'sell');
    expect(new Decimal(paperLedger!.quantity).isZero()).toBe(lastSide === 'sell');
    // alone on the account, the strategy holds all of the position, the trader none
    const [position] = await paper.engine.call('positions.list', { account: 'paper', symbol: 'BTC/USD' }, ctx);
    expect(position!.owners).toEqual(
      new Decimal(paperLedger!.quantity).isZero() ? [{ strategy_id: null, quantity: '0' }] : [{ strategy_id: null, quantity: '0' }, { strategy_id: 'sma-cross', quantity: paperLedger!.quantity }],
    );
  });

  it('never touches a position it did not open: a manual 0.02 BTC stays while sma-cross trades through many crosses (issue 11)', async () => {
    const paper = await paperEngine(FTX);
    await paper.step(); // a first bar: the book has a price
    await paper.engine.call('orders.create', { account: 'paper', symbol: 'BTC/USD', side: 'buy', type: 'market', quantity: '0.02' }, ctx);
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', symbol: 'BTC/USD', params: { fast: 5, slow: 20, fraction: 0.1 } }, ctx);
    let flatBars = 0;
    for (let i = 1; i < FTX.length; i++) {
      await paper.step();
      const [position] = await paper.engine.call('positions.list', { account: 'paper', symbol: 'BTC/USD' }, ctx);
      const own = new Decimal(position!.owners!.find((o) => o.strategy_id === 'sma-cross')?.quantity ?? '0');
      // the trader's share never moves; the account is the trader's 0.02 plus what the strategy holds
      expect(position!.owners![0]).toEqual({ strategy_id: null, quantity: '0.02' });
      expect(new Decimal(position!.quantity).eq(own.add('0.02'))).toBe(true);
      expect(own.gte(0)).toBe(true);
      if (own.isZero()) {
        flatBars += 1;
        expect(position!.quantity).toBe('0.02');
      }
    }
    // the strategy's sells never exceed its buys, at any point
    const fills = (await paper.engine.call('fills.list', { strategy_id: 'sma-cross', limit: 10_000 }, ctx)).reverse();
    let held = new Decimal(0);
    for (const f of fills) {
      held = f.side === 'buy' ? held.add(f.quantity) : held.sub(f.quantity);
      expect(held.gte(0)).toBe(true);
    }
    const sells = (await paper.engine.call('orders.list', { strategy_id: 'sma-cross', limit: 10_000 }, ctx)).filter((o) => o.side === 'sell' && o.status === 'filled');
    expect(sells.length).toBeGreaterThan(10);
    expect(flatBars).toBeGreaterThan(100);
    // its buys were sized from its own cash: 0.1 of the free balance at start, not of the whole account
    const firstBuy = fills.find((f) => f.side === 'buy')!;
    expect(new Decimal(firstBuy.quantity).mul(firstBuy.price).lt(1000)).toBe(true);
    const running = (await paper.engine.call('strategies.list', {}, ctx)).running[0]!;
    expect(running.refusals).toEqual([]);
  });
});

describe('strategies on the engine protocol', () => {
  const resting = defineStrategy({
    name: 'rester',
    params: { price: { type: 'number', default: 40000 } },
    create: (p) => ({
      onBar: (bar, c) => {
        if (bar.index === 0) void c.buy('0.001', { type: 'limit', price: c.roundPrice(p.price) });
      },
      onParams: (previous, c) => c.log('params changed', { from: previous.price, to: c.params.price }),
    }),
  });

  it('lists the built-in strategies with their parameters', async () => {
    const paper = await paperEngine(FTX);
    const list = await paper.engine.call('strategies.list', {}, ctx);
    expect(list.available.map((s) => s.name)).toEqual(['sma-cross', 'rsi-reversion', 'grid']);
    expect(list.available[0]!.params.map((p) => [p.name, p.default])).toEqual([
      ['fast', 10],
      ['slow', 30],
      ['fraction', 0.95],
      ['cash', 0],
    ]);
  });

  it('starts a built-in strategy by name, lists it running, changes its parameters and stops it', async () => {
    const paper = await paperEngine(FTX);
    const started = await paper.engine.call('strategies.start', { strategy: 'sma-cross', symbol: 'BTC/USD', params: { fast: 5, slow: 20 } }, ctx);
    expect(started).toMatchObject({ id: 'sma-cross', account: 'paper', symbol: 'BTC/USD', mode: 'paper', status: 'running', params: { fast: 5, slow: 20, fraction: 0.95 } });
    for (let i = 0; i < 300; i++) await paper.step();
    const running = (await paper.engine.call('strategies.list', {}, ctx)).running;
    expect(running).toEqual([expect.objectContaining({ id: 'sma-cross', status: 'running' })]);
    expect(running[0]!.orders_placed).toBeGreaterThan(0);
    const changed = await paper.engine.call('strategies.setParams', { id: 'sma-cross', params: { fraction: 0.5 } }, ctx);
    expect(changed.params).toEqual({ fast: 5, slow: 20, fraction: 0.5, cash: 0 });
    await expect(paper.engine.call('strategies.setParams', { id: 'sma-cross', params: { fast: 50 } }, ctx)).rejects.toThrow('fast (50) must be shorter than slow (20)');
    const stopped = await paper.engine.call('strategies.stop', { id: 'sma-cross' }, ctx);
    expect(stopped.status).toBe('stopped');
    await expect(paper.engine.call('strategies.stop', { id: 'nope' }, ctx)).rejects.toThrow('strategy not found: nope');
  });

  it('stopping cancels the strategy’s working orders and keeps other orders', async () => {
    const paper = await paperEngine(FTX);
    const manager = new StrategyManager(paper.engine, { clock: paper.clock });
    managers.push(manager);
    await paper.step();
    const mine = await manager.start({ strategy: resting, account: 'paper', symbol: 'BTC/USD', params: {} });
    const other = await paper.engine.call('orders.create', { symbol: 'BTC/USD', side: 'buy', type: 'limit', quantity: '0.001', price: '40000' }, ctx);
    await paper.step();
    const open = await paper.engine.call('orders.list', { status: 'open' }, ctx);
    expect(open.map((o) => o.client_order_id.startsWith(`${mine.id}-`)).sort()).toEqual([false, true]);
    await manager.stop(mine.id);
    const after = await paper.engine.call('orders.list', { status: 'open' }, ctx);
    expect(after.map((o) => o.id)).toEqual([other.id]);
  });

  it('a strategy whose handler throws is stopped as failed, with the error, and its orders canceled', async () => {
    const paper = await paperEngine(FTX);
    const manager = new StrategyManager(paper.engine, { clock: paper.clock });
    managers.push(manager);
    const faulty = defineStrategy({
      name: 'faulty',
      params: {},
      create: () => ({
        onBar: (bar, c) => {
          if (bar.index === 0) void c.buy('0.001', { type: 'limit', price: '40000' });
          if (bar.index === 2) throw new Error('oops');
        },
      }),
    });
    await manager.start({ strategy: faulty, account: 'paper', symbol: 'BTC/USD', params: {} });
    for (let i = 0; i < 4; i++) await paper.step();
    expect(manager.list()[0]).toMatchObject({ status: 'failed', error: 'oops' });
    expect(await paper.engine.call('orders.list', { status: 'open' }, ctx)).toEqual([]);
  });

  it('refuses an unknown symbol, an unknown account and a second strategy with a running id', async () => {
    const paper = await paperEngine(FTX);
    await expect(paper.engine.call('strategies.start', { strategy: 'sma-cross', symbol: 'ETH/USD' }, ctx)).rejects.toThrow('ETH/USD is not an instrument of account paper');
    await expect(paper.engine.call('strategies.start', { strategy: 'sma-cross', symbol: 'BTC/USD', account: 'nope' }, ctx)).rejects.toThrow('account not found: nope');
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', symbol: 'BTC/USD', id: 'one' }, ctx);
    await expect(paper.engine.call('strategies.start', { strategy: 'grid', symbol: 'BTC/USD', id: 'one' }, ctx)).rejects.toThrow('a strategy with id one is already running');
    await paper.engine.call('strategies.stop', { id: 'one' }, ctx);
  });
});
