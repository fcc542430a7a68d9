import { describe, expect, it } from 'vitest';
import { checkTicket } from '../../../../src-renderer/features/ticket/validate.js';
import { BLANK_TICKET, type TicketFields } from '../../../../src-renderer/state/ticket.js';
import { INSTRUMENT } from '../../helpers/fake-client.js';

const QUOTE = { bid: '40000', ask: '40001', last: '40000.5' };
const ticket = (patch: Partial<TicketFields> = {}): TicketFields => ({
  ...BLANK_TICKET,
  side: 'buy',
  type: 'limit',
  quantity: '0.01',
  price: '39000',
  stopPrice: '',
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
  ...patch,
});
const check = (patch: Partial<TicketFields> = {}) => checkTicket(ticket(patch), INSTRUMENT, QUOTE, 'paper', 'BTC/USDT');

describe('checkTicket', () => {
  it('a valid limit order yields the params to send, its value and the maker fee when it rests', () => {
    const c = check();
    expect(c.ok).toBe(true);
    expect(c.params).toEqual({ account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.01', price: '39000', time_in_force: 'GTC', post_only: false, reduce_only: false });
    expect(c.notional?.toFixed()).toBe('390');
    expect(c.liquidity).toBe('maker');
    expect(c.fee?.toFixed()).toBe('0.39');
  });

  it('a limit that crosses the touch pays the taker fee', () => {
    const c = check({ price: '40001' });
    expect(c.liquidity).toBe('taker');
    expect(c.fee?.toFixed()).toBe('0.80002');
  });

  it('values a market order at the touch it would take', () => {
    const buy = check({ type: 'market', price: '' });
    expect(buy.notional?.toFixed()).toBe('400.01');
    expect(buy.params).not.toHaveProperty('price');
    expect(check({ type: 'market', side: 'sell', price: '' }).notional?.toFixed()).toBe('400');
  });

  it('quantity: required, above zero, at least the minimum, in size increments', () => {
    expect(check({ quantity: '' }).errors.quantity).toBe('Enter a quantity');
    expect(check({ quantity: '-1' }).errors.quantity).toMatch(/above zero/);
    expect(check({ quantity: '0.000001' }).errors.quantity).toMatch(/At least 0.00001 BTC/);
    expect(check({ quantity: '0.000015' }).errors.quantity).toMatch(/steps of 0.00001/);
  });

  it('price: in price increments; a stop order needs its trigger', () => {
    expect(check({ price: '39000.001' }).errors.price).toMatch(/steps of 0.01/);
    expect(check({ price: '' }).errors.price).toBe('Enter a limit price');
    expect(check({ type: 'stop_market', price: '' }).errors.stopPrice).toMatch(/stop/i);
    const stop = check({ type: 'stop_limit', stopPrice: '39500' });
    expect(stop.params).toMatchObject({ type: 'stop_limit', price: '39000', stop_price: '39500' });
  });

  it('a take profit: its trigger is required and must be on the side the market moves to in the order\'s favour (above the last for a sell, below for a buy)', () => {
    expect(check({ type: 'take_profit_market', price: '' }).errors.stopPrice).toMatch(/stop/i);
    const sell = check({ type: 'take_profit_market', side: 'sell', price: '', stopPrice: '41000' });
    expect(sell.params).toMatchObject({ type: 'take_profit_market', side: 'sell', stop_price: '41000' });
    expect(sell.params).not.toHaveProperty('price');
    expect(sell.notional?.toFixed()).toBe('410');
    expect(check({ type: 'take_profit_market', side: 'sell', price: '', stopPrice: '40000' }).errors.stopPrice).toBe(
      'A sell take profit triggers when the price rises to it: set it above the last price 40,000.5',
    );
    const buy = check({ type: 'take_profit_limit', side: 'buy', price: '39010', stopPrice: '39000' });
    expect(buy.params).toMatchObject({ type: 'take_profit_limit', price: '39010', stop_price: '39000', time_in_force: 'GTC' });
    expect(check({ type: 'take_profit_limit', side: 'buy', price: '41000', stopPrice: '41000' }).errors.stopPrice).toMatch(/falls to it: set it below the last price/);
  });

  it('refuses an order worth less than the minimum notional', () => {
    const c = check({ quantity: '0.0001' });
    expect(c.errors.notional).toBe('Order value must be at least 5 USDT');
    expect(c.ok).toBe(false);
    expect(c.params).toBeNull();
  });

  it('post-only is for resting limit orders', () => {
    expect(check({ type: 'market', postOnly: true, price: '' }).errors.postOnly).toMatch(/limit orders/);
    expect(check({ postOnly: true, timeInForce: 'IOC' }).errors.postOnly).toMatch(/IOC/);
    expect(check({ postOnly: true }).liquidity).toBe('maker');
  });

  it('names the market when the instrument is unknown', () => {
    const c = checkTicket(ticket(), undefined, QUOTE, 'paper', 'DOGE/USDT');
    expect(c.errors.market).toBe('DOGE/USDT is not tradable on paper');
    expect(c.ok).toBe(false);
  });

  it('an entry with TP/SL sends take_profit and stop_loss; each field names its rule', () => {
    const c = check({ protect: true, takeProfit: '42000', stopLoss: '38000', stopLossLimit: '37900' });
    expect(c.params).toMatchObject({ type: 'limit', take_profit: { price: '42000' }, stop_loss: { stop_price: '38000', price: '37900' } });
    expect(check({ protect: true, takeProfit: '42000' }).params).not.toHaveProperty('stop_loss');
    expect(check({ protect: false, takeProfit: '42000' }).params).not.toHaveProperty('take_profit');
    expect(check({ protect: true }).errors.takeProfit).toBe('Enter a take profit, a stop loss or both (or untick TP/SL)');
    expect(check({ protect: true, takeProfit: '42000.005' }).errors.takeProfit).toBe('Take profit: in steps of 0.01');
    expect(check({ protect: true, stopLoss: '-1' }).errors.stopLoss).toBe('Stop loss must be a number above zero');
    expect(check({ protect: true, stopLossLimit: '37900' }).errors.stopLoss).toBe('A stop-loss limit needs the stop-loss trigger price');
    expect(check({ protect: true, stopLoss: '38000', reduceOnly: true }).errors.takeProfit).toMatch(/reduce-only order closes a position/);
  });

  it('an OCO needs both legs and yields orders.oco params, not an order', () => {
    const c = check({ type: 'oco', side: 'sell', price: '', takeProfit: '42000', stopLoss: '38000', reduceOnly: true });
    expect(c.params).toBeNull();
    expect(c.oco).toEqual({ account: 'paper', symbol: 'BTC/USDT', side: 'sell', quantity: '0.01', take_profit: { price: '42000' }, stop_loss: { stop_price: '38000' }, reduce_only: true });
    expect(c.notional?.toFixed()).toBe('420');
    const missing = check({ type: 'oco', price: '' });
    expect(missing.errors.takeProfit).toBe('Enter the take-profit price');
    expect(missing.errors.stopLoss).toBe('Enter the stop-loss trigger price');
    expect(missing.oco).toBeNull();
  });

  it("an OCO's take profit may be a trigger: take_profit_market at the take-profit price, take_profit_limit with its limit", () => {
    const base = { type: 'oco', side: 'sell', price: '', takeProfit: '42000', stopLoss: '38000', reduceOnly: true } as const;
    expect(check({ ...base, takeProfitKind: 'take_profit_market' }).oco?.take_profit).toEqual({ type: 'take_profit_market', stop_price: '42000' });
    expect(check({ ...base, takeProfitKind: 'take_profit_limit', takeProfitLimit: '41990' }).oco?.take_profit).toEqual({ type: 'take_profit_limit', stop_price: '42000', price: '41990' });
    const noLimit = check({ ...base, takeProfitKind: 'take_profit_limit' });
    expect([noLimit.errors.takeProfitLimit, noLimit.oco]).toEqual(['Enter the limit the take profit fires', null]);
    expect(check({ ...base, takeProfitKind: 'take_profit_market', takeProfit: '' }).errors.takeProfit).toBe('Enter the take-profit trigger price');
  });

  it('a trailing stop: distance in percent (below 100) or in price steps, optional activation', () => {
    const c = check({ type: 'trailing_stop', side: 'sell', price: '', trailingOffset: '1.5', activationPrice: '41000' });
    expect(c.params).toMatchObject({ type: 'trailing_stop', trailing_offset: '1.5', trailing_unit: 'percent', activation_price: '41000' });
    expect(c.params).not.toHaveProperty('price');
    expect(check({ type: 'trailing_stop', price: '' }).errors.trailingOffset).toBe('Enter the trailing distance');
    expect(check({ type: 'trailing_stop', price: '', trailingOffset: '100' }).errors.trailingOffset).toBe('Trailing distance in percent must be below 100');
    expect(check({ type: 'trailing_stop', price: '', trailingOffset: '0.005', trailingUnit: 'price' }).errors.trailingOffset).toBe('Trailing distance: in steps of 0.01');
    expect(check({ type: 'trailing_stop', price: '', trailingOffset: '50', trailingUnit: 'price' }).params).toMatchObject({ trailing_offset: '50', trailing_unit: 'price' });
  });
});
