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
 * "rising": every print is a new high, so every stop moves.
 *
 * The same tick stream with 100 triggers and with none; the goal is the
 * difference. Prints come as if one per millisecond (a busy market): when
 * Tern holds the stops, their moves are journaled every 250 prints (the OMS's
 * 250 ms batch), timed apart (journal_ms_per_batch: the store's cost per
 * batch, bounded in time, not per tick); when the paper venue holds them, its
 * clock advances 1 ms per print and it reports moves ('updated') at most every
 * 250 ms, inside the timed tick (updated_reports counts them).
 *
 * Each batch of 250 prints is one sample (µs per print); the machine is shared,
 * so the median sample (tick_us_*, added_*) stands beside the mean (*_mean):
 * a batch the OS took the core from is an outlier, not the code's cost.
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
/** prints per batch of moves (journaled by the OMS / reported by the paper venue every 250 ms, one print per ms) */
const BATCH = 250;
const WARMUP = 5_000;

/** flat: 64 prices just under the start (no best moves, no stop reached); rising: a new high each tick */
function prints(rising: boolean, n: number): MarketEvent[] {
  n += WARMUP;
  return Array.from({ length: n }, (_, i) => ({
    type: 'trade' as const,
    trade: { symbol: SYMBOL, price: new Decimal(rising ? (100 + (i + 1) * 0.01).toFixed(2) : (100 - (i % 64) * 0.01).toFixed(2)), quantity: dec('0.001'), side: 'buy' as const, ts: i },
  }));
}

interface Measured {
  /** µs per print, one sample per batch of BATCH prints */
  samples: number[];
  journalNsPerBatch: number;
  reports: number;
}

async function ternHeld(triggers: number, rising: boolean): Promise<Measured> {
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
  const run = async (from: number, to: number): Promise<Measured> => {
    const samples: number[] = [];
    let journalNs = 0;
    for (let i = from; i < to; i += BATCH) {
      const end = Math.min(to, i + BATCH);
      const t0 = process.hrtime.bigint();
      for (let j = i; j < end; j++) engine.oms.onMarket('paper', events[j]!);
      const t1 = process.hrtime.bigint();
      // the OMS's batch of moves (its 250 ms timer; here every 250 prints), on disk
      engine.oms.journalTrailing();
      await engine.journal.durable();
      samples.push(Number(t1 - t0) / 1000 / (end - i));
      journalNs += Number(process.hrtime.bigint() - t1);
    }
    return { samples, journalNsPerBatch: journalNs / samples.length, reports: 0 };
  };
  await run(0, WARMUP);
  const result = await run(WARMUP, WARMUP + TICKS);
  dispose();
  return result;
}

async function venueHeld(triggers: number, rising: boolean): Promise<Measured> {
  const feed = new FakeFeed([instrumentSpec(SYMBOL, { makerFee: '0', takerFee: '0' })]);
  const clock = new ManualClock(0);
  const venue = new PaperVenue({ account: 'p', marketData: feed, clock, ids: new SequentialIds('p'), startingBalances: { BTC: '1000', USDT: '0' } });
  let reports = 0;
  venue.onReport((r) => {
    if (r.type === 'updated') reports += 1;
  });
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
  const run = (from: number, to: number): Measured => {
    reports = 0;
    const samples: number[] = [];
    for (let i = from; i < to; i += BATCH) {
      const end = Math.min(to, i + BATCH);
      const t0 = process.hrtime.bigint();
      for (let j = i; j < end; j++) {
        const e = events[j]!;
        clock.advance(1);
        if (e.type === 'trade') feed.pushTrade(SYMBOL, e.trade.price, '0.001');
      }
      samples.push(Number(process.hrtime.bigint() - t0) / 1000 / (end - i));
    }
    return { samples, journalNsPerBatch: 0, reports };
  };
  run(0, WARMUP);
  const result = run(WARMUP, WARMUP + TICKS);
  await venue.stop();
  return result;
}

const round = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.floor(sorted.length / 2)]!;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
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
      tick_us_without: round(median(without.samples)),
      tick_us_with: round(median(withTriggers.samples)),
      added_us_per_tick_per_100: round(median(withTriggers.samples) - median(without.samples)),
      added_us_per_tick_per_100_mean: round(mean(withTriggers.samples) - mean(without.samples)),
      ...(holder === 'tern' ? { journal_ms_per_batch: round(withTriggers.journalNsPerBatch / 1e6) } : { updated_reports: withTriggers.reports }),
    });
  }
}
