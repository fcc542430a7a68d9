import { describe, expect, it } from 'vitest';
import { invalidOrder } from '../../../src-common/contract/errors.js';
import { binanceErrorOf } from '../../../src-main/api/binance/convert.js';

describe('binanceErrorOf', () => {
  it("a trigger Tern holds that the market already reached is Binance's -2010 'Order would trigger immediately.', as a venue's own refusal is", () => {
    const err = binanceErrorOf(invalidOrder('stop_price', 'sell stop at 101 would trigger immediately: last price 100 is at or below it', { rule: 'would_trigger_immediately' }), 'order');
    expect([err.status, err.code, err.msg]).toEqual([400, -2010, 'Order would trigger immediately.']);
    // any other stop_price fault stays a filter failure
    expect(binanceErrorOf(invalidOrder('stop_price', 'stop_price 100.001 is not a multiple of the price increment 0.01', { rule: 'price_increment' }), 'order').code).toBe(-1013);
  });
});
