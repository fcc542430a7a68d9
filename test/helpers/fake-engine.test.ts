import { describe, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import { FakeEngine } from './fake-engine.js';

/** the fake's refusal of a call, as the wire carries it */
async function refusal(fake: FakeEngine, method: 'orders.create' | 'orders.amend', params: Record<string, unknown>) {
  const err = await fake.call(method, params, ctx).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TernError);
  const { code, message, details } = err as TernError;
  return { code, message, details };
}

/** an in-process caller, the owner: no key to check */
const ctx = { actor: 'test' };
const order = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.01', price: '45000' };

// The fake stands in for the engine in API and page tests: it refuses an order
// with the engine's own instrument checks (engine/oms/order-validation.ts over
// engine/model/instrument-rules.ts), not a copy of them.
describe('FakeEngine refuses orders with the engine instrument rules', () => {
  it('names the rule, its limit and the value of a quantity off the size increment', async () => {
    expect(await refusal(new FakeEngine(), 'orders.create', { ...order, quantity: '0.00015' })).toEqual({
      code: 'INVALID_ORDER',
      message: 'quantity 0.00015 is not a multiple of the size increment 0.0001',
      details: { field: 'quantity', rule: 'size_increment', limit: '0.0001', value: '0.00015' },
    });
  });

  it('a quantity below the minimum, a price off the tick, a notional below the minimum', async () => {
    const fake = new FakeEngine();
    expect((await refusal(fake, 'orders.create', { ...order, quantity: '0.00001' })).details).toEqual({ field: 'quantity', rule: 'min_quantity', limit: '0.0001', value: '0.00001' });
    expect((await refusal(fake, 'orders.create', { ...order, price: '45000.005' })).details).toEqual({ field: 'price', rule: 'price_increment', limit: '0.01', value: '45000.005' });
    expect((await refusal(fake, 'orders.create', { ...order, type: 'stop_limit', stop_price: '45000.001' })).details).toMatchObject({ field: 'stop_price', rule: 'price_increment' });
    expect((await refusal(fake, 'orders.create', { ...order, quantity: '0.0001', price: '40000' })).details).toEqual({ field: 'quantity', rule: 'min_notional', limit: '5', value: '4' });
  });

  it('checks an amendment with the same rules', async () => {
    const fake = new FakeEngine();
    const placed = await fake.call('orders.create', { ...order, price: '40000' }, ctx);
    expect((await refusal(fake, 'orders.amend', { id: placed.id, quantity: '0.00015' })).details).toMatchObject({ field: 'quantity', rule: 'size_increment' });
    expect((await refusal(fake, 'orders.amend', { id: placed.id, price: '40000.001' })).details).toMatchObject({ field: 'price', rule: 'price_increment' });
  });
});
