/**
 * Issue 12: what trailing stops and emulated triggers add to each market-data
 * tick, per 100 active triggers (goal ≤ 2 µs).
 *
 * - held by Tern: the OMS's trigger book (Oms.onMarket) with 100 trailing
 *   stops, one trade print after another, against the same loop with none.
 * - held by the venue: the paper venue's own trailing stops (a FakeFeed print
 *   through the venue's matcher), 100 against none.
 *
 * "flat": prints that move no best price and reach no stop (the common tick);
 * "rising": every print is a new high, so every stop moves (journaled in
 * batches at most every 250 ms when Tern holds them; reported as 'updated'
 * when the venue does).
 */
import { Decimal, dec } from '../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../src-main/engine/ports/clock.js';
import type { MarketEvent } from '../src-main/engine/ports/market-data.js';
import { PaperVenue } from '../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../test/helpers/fake-feed.js';
import { benchEngine, SYMBOL } from './engine-fixture.js';
import { emit } from './stats.js';

const ctx = { actor: 'bench' };
const TRIGGERS = 100;
const TICKS = Number(process.env.TICKS ?? 100_000);
const WARMUP = 5_000;

/** flat: 64 prices just under the start (no best moves, no stop reached); rising: a new high each tick */
function prints(rising: boolean, n: number): MarketEvent[] {
  n += WARMUP;
  return Array.from({ length: n }, (_, i) => ({
    type: 'trade' as const,
    trade: { symbol: SYMBOL, price: new Decimal(rising ? (100 + (i + 1) * 0.01).toFixed(2) : (100 - (i % 64) * 0.01).toFixed(2)), quantity: dec('0.001'), side: 'buy' as const, ts: i },
  }));
}

async function ternHeld(triggers: number, rising: boolean): Promise<number> {
  const { engine, feed, dispose } = await benchEngine([], { stopOrders: true, oco: false, trailingStop: false });
  feed.pushTrade(SYMBOL, '100', '1');
  await engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '100' }, ctx);
  for (let i = 0; i < triggers; i++) {
    await engine.call(
      'orders.create',
      { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '0.1', trailing_offset: String(5 + (i % 20)), trailing_unit: 'percent', reduce_only: true },
      ctx,
    );
  }
  const events = prints(rising, TICKS);
  const run = async (from: number, to: number) => {
    let ns = 0;
    for (let i = from; i < to; i += 1000) {
      const t0 = process.hrtime.bigint();
      for (let j = i; j < Math.min(to, i + 1000); j++) engine.oms.onMarket('paper', events[j]!);
      ns += Number(process.hrtime.bigint() - t0);
      await new Promise((r) => setImmediate(r)); // let batched journal writes run (not timed: the store's cost, not the tick's)
    }
    return ns / (to - from);
  };
  await run(0, WARMUP);
  const ns = await run(WARMUP, WARMUP + TICKS);
  engine.oms.journalTrailing();
  dispose();
  return ns;
}

async function venueHeld(triggers: number, rising: boolean): Promise<number> {
  const feed = new FakeFeed([instrumentSpec(SYMBOL, { makerFee: '0', takerFee: '0' })]);
  const venue = new PaperVenue({ account: 'p', marketData: feed, clock: new ManualClock(0), ids: new SequentialIds('p'), startingBalances: { BTC: '1000', USDT: '0' } });
  venue.onReport(() => {});
  await venue.start();
  feed.pushBook(SYMBOL, [['99', '1000']], [['101', '1000']]);
  feed.pushTrade(SYMBOL, '100', '1');
  for (let i = 0; i < triggers; i++) {
    await venue.createOrder({
      clientOrderId: `t${i}`,
      symbol: SYMBOL,
      side: 'sell',
      type: 'trailing_stop',
      quantity: dec('0.1'),
      price: null,
      stopPrice: null,
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: true,
      trailing: { offset: dec(5 + (i % 20)), unit: 'percent', activationPrice: null, best: null },
    });
  }
  const events = prints(rising, TICKS);
  const run = (from: number, to: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = from; i < to; i++) {
      const e = events[i]!;
      if (e.type === 'trade') feed.pushTrade(SYMBOL, e.trade.price, '0.001');
    }
    return Number(process.hrtime.bigint() - t0) / (to - from);
  };
  run(0, WARMUP);
  return run(WARMUP, WARMUP + TICKS);
}

const us = (ns: number) => Math.round(ns / 10) / 100;
for (const [holder, measure] of [
  ['tern', ternHeld],
  ['venue', venueHeld],
] as const) {
  for (const rising of [false, true]) {
    const without = await measure(0, rising);
    const withTriggers = await measure(TRIGGERS, rising);
    emit({
      bench: `trailing_triggers_${holder}_${rising ? 'rising' : 'flat'}`,
      goal_us_per_tick_per_100: 2,
      triggers: TRIGGERS,
      ticks: TICKS,
      tick_us_without: us(without),
      tick_us_with: us(withTriggers),
      added_us_per_tick_per_100: us(withTriggers - without),
    });
  }
}
