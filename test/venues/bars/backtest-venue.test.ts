import { describe, expect, it } from 'vitest';
import { BacktestVenue } from '../../../src-main/venues/bars/backtest-venue.js';
import { BarFeed } from '../../../src-main/backtest/bar-feed.js';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import type { ExecutionReport, VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { instrumentSpec } from '../../helpers/fake-feed.js';
import { MINUTE, bars } from '../../backtest/helpers.js';

const SYM = 'BTC/USDT';

function venueOver(rows: Array<readonly number[]>) {
  const feed = new BarFeed(bars(rows), instrumentSpec(SYM, { makerFee: '0', takerFee: '0' }), MINUTE);
  const venue = new BacktestVenue({ account: 'bt', feed, clock: new ManualClock(0), ids: new SequentialIds('bt'), startingBalances: { USDT: '1000000', BTC: '10' } });
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));
  return { feed, venue, reports };
}

const limit = (id: string, side: 'buy' | 'sell', price: string): VenueOrderRequest => ({
  clientOrderId: id,
  symbol: SYM,
  side,
  type: 'limit',
  quantity: dec('1'),
  price: dec(price),
  stopPrice: null,
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
});

describe('backtest venue working orders', () => {
  it('meets a bar oldest first; an amendment that loses priority goes to the back, one that keeps it stays', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 100, 90, 95],
    ]);
    for (const id of ['a', 'b', 'c', 'd']) await venue.createOrder(limit(id, 'buy', '95'));
    await venue.editOrder({ clientOrderId: 'a', venueOrderId: null, symbol: SYM }, { price: dec('96') }); // new price: to the back
    await venue.editOrder({ clientOrderId: 'b', venueOrderId: null, symbol: SYM }, { quantity: dec('0.5') }); // smaller: keeps its place
    await venue.cancelOrder({ clientOrderId: 'c', venueOrderId: null, symbol: SYM });
    expect(venue.openOrderCount).toBe(3);
    reports.length = 0;
    venue.processBar(1);
    expect(reports.filter((r) => r.type === 'fill').map((r) => r.clientOrderId)).toEqual(['b', 'd', 'a']);
    expect(venue.openOrderCount).toBe(0);
  });

  it('thousands of working orders: each filled or canceled one leaves, the rest still fill oldest first', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 100, 50, 60],
    ]);
    const n = 1_200;
    for (let i = 0; i < n; i++) await venue.createOrder(limit(`o${i}`, 'buy', (60 + (i % 30)).toFixed(2)));
    for (let i = 0; i < n; i += 3) await venue.cancelOrder({ clientOrderId: `o${i}`, venueOrderId: null, symbol: SYM });
    expect(venue.openOrderCount).toBe(n - n / 3);
    reports.length = 0;
    venue.processBar(1);
    const filled = reports.filter((r) => r.type === 'fill').map((r) => r.clientOrderId);
    expect(filled).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => `o${i}`));
    expect(venue.openOrderCount).toBe(0);
  });
});

describe('backtest take profits', () => {
  const trigger = (id: string, side: 'buy' | 'sell', type: 'take_profit_market' | 'take_profit_limit', stop: string, price?: string): VenueOrderRequest => ({
    ...limit(id, side, price ?? '1'),
    type,
    price: price ? dec(price) : null,
    stopPrice: dec(stop),
  });
  const filled = (reports: ExecutionReport[]) => reports.filter((r) => r.type === 'fill').map((r) => [r.clientOrderId, r.price.toFixed()]);

  it('a sell take_profit_market ignores a bar that falls (a sell stop would fire) and fills at its stop on the bar that rises to it', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 101, 80, 95],
      [95, 112, 94, 105],
    ]);
    await venue.createOrder(trigger('tp', 'sell', 'take_profit_market', '110'));
    venue.processBar(1);
    expect(filled(reports)).toEqual([]);
    venue.processBar(2);
    expect(reports.filter((r) => r.type === 'triggered').map((r) => r.clientOrderId)).toEqual(['tp']);
    expect(filled(reports)).toEqual([['tp', '110']]);
  });

  it('a buy take_profit_limit: a bar opening below its stop fires it at the open, within its limit', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [85, 86, 84, 85],
    ]);
    await venue.createOrder(trigger('tpl', 'buy', 'take_profit_limit', '90', '90'));
    venue.processBar(1);
    expect(filled(reports)).toEqual([['tpl', '85']]);
  });
});
