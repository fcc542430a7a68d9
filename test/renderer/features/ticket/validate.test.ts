import { describe, expect, it } from 'vitest';
import { checkTicket } from '../../../../src-renderer/features/ticket/validate.js';
import type { TicketFields } from '../../../../src-renderer/state/ticket.js';
import { INSTRUMENT } from '../../helpers/fake-client.js';

const QUOTE = { bid: '40000', ask: '40001', last: '40000.5' };
const ticket = (patch: Partial<TicketFields> = {}): TicketFields => ({
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
});
