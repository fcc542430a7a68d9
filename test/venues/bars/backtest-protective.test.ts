import { describe, expect, it } from 'vitest';
import { BacktestVenue } from '../../../src-main/venues/bars/backtest-venue.js';
import { BarFeed } from '../../../src-main/backtest/bar-feed.js';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import type { ExecutionReport, VenueOcoRequest, VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { instrumentSpec } from '../../helpers/fake-feed.js';
import { MINUTE, bars } from '../../backtest/helpers.js';

// Issue 12 on the backtest venue against hand-computed bars (open, high, low, close).
const SYM = 'BTC/USDT';

function venueOver(rows: Array<readonly number[]>) {
  const feed = new BarFeed(bars(rows), instrumentSpec(SYM, { makerFee: '0', takerFee: '0' }), MINUTE);
  const venue = new BacktestVenue({ account: 'bt', feed, clock: new ManualClock(0), ids: new SequentialIds('bt'), startingBalances: { USDT: '1000000', BTC: '1' } });
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));
  return { feed, venue, reports };
}

const oco: VenueOcoRequest = {
  ocoId: 'G1',
  symbol: SYM,
  side: 'sell',
  quantity: dec('1'),
  takeProfit: { clientOrderId: 'tp', price: dec('110') },
  stopLoss: { clientOrderId: 'sl', stopPrice: dec('90'), price: null },
};

const trailing = (over: Partial<NonNullable<VenueOrderRequest['trailing']>> = {}): VenueOrderRequest => ({
  clientOrderId: 'tr',
  symbol: SYM,
  side: 'sell',
  type: 'trailing_stop',
  quantity: dec('1'),
  price: null,
  stopPrice: null,
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: true,
  trailing: { offset: dec('5'), unit: 'percent', activationPrice: null, best: null, ...over },
});

const fills = (reports: ExecutionReport[]) =>
  reports.filter((r): r is Extract<ExecutionReport, { type: 'fill' }> => r.type === 'fill').map((f) => [f.clientOrderId, f.quantity.toFixed(), f.price.toFixed()]);
const ended = (reports: ExecutionReport[]) => reports.filter((r) => r.type === 'canceled').map((r) => (r as { clientOrderId: string }).clientOrderId);

describe('backtest OCO lists', () => {
  it('a bar reaching the take profit only: it fills at its price, the stop is canceled', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [101, 111, 99, 108],
    ]);
    await venue.placeOco(oco);
    venue.processBar(1);
    expect(fills(reports)).toEqual([['tp', '1', '110']]);
    expect(ended(reports)).toEqual(['sl']);
    expect(venue.openOrderCount).toBe(0);
  });

  it('a bar crossing both take profit and stop resolves stop first (documented, conservative)', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 111, 89, 100],
    ]);
    await venue.placeOco(oco);
    venue.processBar(1);
    expect(fills(reports)).toEqual([['sl', '1', '90']]);
    expect(ended(reports)).toEqual(['tp']);
  });

  it('canceling one leg cancels the list: a later bar through both prices fills nothing', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 111, 89, 100],
    ]);
    await venue.placeOco(oco);
    venue.processBar(1);
    await venue.cancelOrder({ clientOrderId: 'tp', venueOrderId: null, symbol: SYM });
    expect(ended(reports).sort()).toEqual(['sl', 'tp']);
    venue.processBar(2);
    expect(fills(reports)).toEqual([]);
    expect(venue.openOrderCount).toBe(0);
  });

  it('an amended quantity is both legs’: the stop then sells the new quantity', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [95, 96, 85, 88],
    ]);
    await venue.placeOco(oco);
    venue.processBar(1);
    await venue.editOrder({ clientOrderId: 'tp', venueOrderId: null, symbol: SYM }, { quantity: dec('0.4') });
    venue.processBar(2);
    expect(fills(reports)).toEqual([['sl', '0.4', '90']]);
    expect(ended(reports)).toEqual(['tp']);
  });

  it('a bar opening through the stop fills it at the open', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [85, 86, 80, 82],
    ]);
    await venue.placeOco(oco);
    venue.processBar(1);
    expect(fills(reports)).toEqual([['sl', '1', '85']]);
  });
});

describe('backtest trailing stops', () => {
  it('starts 5 % under the close it was placed at, moves to the bar high after a bar that did not reach it, fills at its stop', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100], // placed at the close 100: stop 95
      [100, 120, 100, 118], // not reached (low 100 > 95); best 120: stop 114 from the next bar
      [117, 117, 113, 115], // reaches 114: fills there
    ]);
    await venue.createOrder(trailing());
    venue.processBar(1);
    const moved = reports.filter((r): r is Extract<ExecutionReport, { type: 'updated' }> => r.type === 'updated').map((r) => r.stopPrice!.toFixed());
    expect(moved).toEqual(['114']);
    expect(fills(reports)).toEqual([]);
    venue.processBar(2);
    expect(fills(reports)).toEqual([['tr', '1', '114']]);
  });

  it('the stop it moves to within a bar is never taken as hit by that same bar', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 120, 96, 97], // high 120 would put the stop at 114 and the low 96 is under it, but the order of high and low is unknown
      [97, 98, 96, 97], // opens under 114: fills at the open
    ]);
    await venue.createOrder(trailing());
    venue.processBar(1);
    expect(fills(reports)).toEqual([]);
    venue.processBar(2);
    expect(fills(reports)).toEqual([['tr', '1', '97']]);
  });

  it('waits for its activation price, then trails from the high that reached it', async () => {
    const { venue, reports } = venueOver([
      [100, 100, 100, 100],
      [100, 105, 90, 101], // below the activation 110: no stop, nothing fires at 90
      [101, 112, 101, 111], // activates: best 112, stop 106.4
      [110, 110, 106, 107], // reaches 106.4
    ]);
    await venue.createOrder(trailing({ activationPrice: dec('110') }));
    venue.processBar(1);
    venue.processBar(2);
    expect(fills(reports)).toEqual([]);
    venue.processBar(3);
    expect(fills(reports)).toEqual([['tr', '1', '106.4']]);
  });
});
