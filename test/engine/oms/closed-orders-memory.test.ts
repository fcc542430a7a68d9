/**
 * Issue 15 (memory after 1,000,000 orders): the OMS keeps only the newest
 * closed orders in memory (10,000; 2 here) and reads older ones from the
 * store. An order dropped from memory answers exactly as it did while it was
 * kept: found by id and by client order id, the same refusal for a cancel or
 * an amend, and its client order id still places nothing new.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TernError } from '../../../src-common/contract/errors.js';
import { type Harness, SYMBOL, ctx, startHarness } from '../../helpers/engine-harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return { answer: await call };
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    return { refused: err.toBody() };
  }
}

describe('OMS: closed orders beyond the ones kept in memory', () => {
  it('answers for an order dropped from memory as it did while it was kept', async () => {
    h = await startHarness({ closedOrdersKept: 2 });
    const call = <M extends Parameters<Harness['engine']['call']>[0]>(m: M, p: Parameters<Harness['engine']['call']>[1]) => h.engine.call(m, p as never, ctx);
    const rested = await call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '99.00', client_order_id: 'evict-limit' });
    await call('orders.cancel', { id: rested.id });
    const filled = await call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1', client_order_id: 'evict-market' });

    const answers = async () => ({
      byId: await outcome(call('orders.get', { id: rested.id })),
      byClientId: await outcome(call('orders.get', { id: 'evict-limit' })),
      filledByClientId: await outcome(call('orders.get', { id: 'evict-market' })),
      cancel: await outcome(call('orders.cancel', { id: rested.id })),
      cancelByClientId: await outcome(call('orders.cancel', { id: 'evict-limit' })),
      amend: await outcome(call('orders.amend', { id: rested.id, price: '98.00' })),
      cancelFilled: await outcome(call('orders.cancel', { id: filled.id })),
      replaced: await outcome(call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1', client_order_id: 'evict-market' })),
    });
    const kept = await answers();
    expect(kept.byId).toMatchObject({ answer: { id: rested.id, status: 'canceled' } });
    expect(kept.cancel).toMatchObject({ refused: { error: { code: 'CONFLICT' } } });

    // three more closed orders: both are now read from the store
    for (let i = 0; i < 3; i++) await call('orders.create', { symbol: SYMBOL, side: i % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.1' });
    const dropped = await answers();
    expect(dropped).toEqual(kept);
    const orders = await call('orders.list', { status: 'all' });
    expect(orders.filter((o) => o.client_order_id === 'evict-market')).toHaveLength(1);
  });
});
