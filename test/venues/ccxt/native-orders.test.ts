import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import type { VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { VenueRejection } from '../../../src-main/engine/ports/venue.js';
import { binanceOcoParams, capabilitiesOf, createOrderArgs, venueListIdOf } from '../../../src-main/venues/ccxt/native-orders.js';

const base: VenueOrderRequest = {
  clientOrderId: 'c1', symbol: 'BTC/USDT', side: 'sell', type: 'limit', quantity: dec('0.1'), price: dec('61000'), stopPrice: null,
  timeInForce: 'GTC', postOnly: false, reduceOnly: true,
};

describe('what an exchange holds natively, from ccxt', () => {
  it('binance spot: stop and take-profit orders and OCO lists; no trailing stops (ccxt marks spot trailing false)', () => {
    expect(capabilitiesOf(new ccxt.binance())).toEqual({ stopOrders: true, takeProfitOrders: true, oco: true, trailingStop: false });
  });

  it('kraken holds trailing stops by percent and by amount; no exchange but binance gets OCO lists', () => {
    expect(capabilitiesOf(new ccxt.kraken())).toMatchObject({ oco: false, trailingStop: true });
    // okx trails by percent only: Tern's price-offset trailing stops would not fit, so Tern holds them
    expect(capabilitiesOf(new ccxt.okx())).toMatchObject({ oco: false, trailingStop: false, stopOrders: true });
  });
});

describe('createOrder arguments', () => {
  const caps = { stopOrders: true, oco: false, trailingStop: true };
  it('stops go through the unified triggerPrice: a market stop without price, a limit stop with its price and time in force', () => {
    expect(createOrderArgs({ ...base, type: 'stop_market', price: null, stopPrice: dec('59000') }, caps)).toEqual({
      type: 'market', price: undefined, params: { clientOrderId: 'c1', triggerPrice: 59000 },
    });
    expect(createOrderArgs({ ...base, type: 'stop_limit', price: dec('58900'), stopPrice: dec('59000') }, caps)).toEqual({
      type: 'limit', price: 58900, params: { clientOrderId: 'c1', timeInForce: 'GTC', triggerPrice: 59000 },
    });
  });

  it('take profits go through the unified takeProfitPrice (binance spot: TAKE_PROFIT, TAKE_PROFIT_LIMIT); an exchange without them is refused before anything is sent', () => {
    const tp = { ...caps, takeProfitOrders: true };
    expect(createOrderArgs({ ...base, type: 'take_profit_market', price: null, stopPrice: dec('62000') }, tp)).toEqual({
      type: 'market', price: undefined, params: { clientOrderId: 'c1', takeProfitPrice: 62000 },
    });
    expect(createOrderArgs({ ...base, type: 'take_profit_limit', price: dec('61900'), stopPrice: dec('62000') }, tp)).toEqual({
      type: 'limit', price: 61900, params: { clientOrderId: 'c1', timeInForce: 'GTC', takeProfitPrice: 62000 },
    });
    expect(() => createOrderArgs({ ...base, type: 'take_profit_market', price: null, stopPrice: dec('62000') }, caps)).toThrow(VenueRejection);
  });

  it('a trailing stop sends its offset as trailingPercent or trailingAmount and its activation as trailingTriggerPrice', () => {
    const trailing = { offset: dec('2.5'), unit: 'percent' as const, activationPrice: dec('62000'), best: null };
    expect(createOrderArgs({ ...base, type: 'trailing_stop', price: null, stopPrice: dec('60450'), trailing }, caps)).toEqual({
      type: 'market', price: undefined, params: { clientOrderId: 'c1', trailingPercent: 2.5, trailingTriggerPrice: 62000 },
    });
    expect(createOrderArgs({ ...base, type: 'trailing_stop', price: null, trailing: { ...trailing, unit: 'price', offset: dec('300'), activationPrice: null } }, caps).params).toEqual({
      clientOrderId: 'c1', trailingAmount: 300,
    });
  });

  it('a trailing stop on an exchange that holds none is refused before anything is sent', () => {
    const trailing = { offset: dec('1'), unit: 'percent' as const, activationPrice: null, best: null };
    expect(() => createOrderArgs({ ...base, type: 'trailing_stop', trailing }, { ...caps, trailingStop: false })).toThrow(VenueRejection);
  });
});

describe('Binance order lists', () => {
  const binance = () => {
    const ex = new ccxt.binance();
    ex.setMarkets([
      {
        id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', baseId: 'BTC', quoteId: 'USDT', type: 'spot', spot: true, active: true,
        precision: { price: 0.01, amount: 0.00001 }, limits: {}, info: {},
      } as never,
    ]);
    return ex;
  };

  it('a buy OCO puts the stop above and the take-profit below; a stop without price is STOP_LOSS', () => {
    const p = binanceOcoParams(binance(), {
      ocoId: 'G-1', symbol: 'BTC/USDT', side: 'buy', quantity: dec('0.123456'),
      takeProfit: { clientOrderId: 'x-tp', price: dec('58000') }, stopLoss: { clientOrderId: 'x-sl', stopPrice: dec('62000.004'), price: null },
    });
    expect(p).toEqual({
      symbol: 'BTCUSDT', side: 'BUY', quantity: '0.12345', listClientOrderId: 'G-1', newOrderRespType: 'RESULT',
      aboveType: 'STOP_LOSS', aboveStopPrice: '62000', aboveClientOrderId: 'x-sl',
      belowType: 'LIMIT_MAKER', belowPrice: '58000', belowClientOrderId: 'x-tp',
    });
  });

  it("an order's list id: Binance's orderListId (REST) or g (stream); -1 is no list", () => {
    expect(venueListIdOf({ orderListId: -1 })).toBeNull();
    expect(venueListIdOf({ orderListId: 12 })).toBe('12');
    expect(venueListIdOf({ g: 7 })).toBe('7');
    expect(venueListIdOf(undefined)).toBeNull();
  });
});
