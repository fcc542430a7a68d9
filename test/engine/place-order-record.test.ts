/**
 * Issue 15: Engine.placeOrderRecord (a backtest's strategy orders, answered
 * with the OMS's record instead of a DTO) places the same order as
 * call('orders.create') and refuses what it refuses, with the same error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METHODS } from '../../src-common/contract/methods.js';
import { type Harness, SYMBOL, ctx, startHarness } from '../helpers/engine-harness.js';
import { TernError } from '../../src-common/contract/errors.js';

let h: Harness;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.dispose();
});

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err instanceof TernError ? err.toBody() : err;
  }
  throw new Error('not refused');
}

describe('Engine.placeOrderRecord', () => {
  it('places the order call() places, answered as its record', async () => {
    h = await startHarness();
    const viaCall = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '90', client_order_id: 'a-1' }, ctx);
    const record = await h.engine.placeOrderRecord({ symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '90', client_order_id: 'a-2' }, ctx);
    expect(record).toBe(h.engine.oms.find(record.id));
    const again = await h.engine.call('orders.get', { id: record.id }, ctx);
    const { id: _a, client_order_id: _b, created_at: _c, updated_at: _d, ...sameA } = viaCall;
    const { id: _e, client_order_id: _f, created_at: _g, updated_at: _h, ...sameB } = again;
    expect(sameB).toEqual(sameA);
    expect(record).toMatchObject({ account: 'paper', clientOrderId: 'a-2', timeInForce: 'GTC', postOnly: false, reduceOnly: false, state: 'accepted' });
  });

  it.each([
    { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0', price: '90' },
    { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '1', price: '90', extra: true },
    { symbol: SYMBOL, side: 'up', type: 'market', quantity: '1' },
    { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '1' },
    { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.00001' },
    { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '1', price: '90', take_profit: { price: '80' } },
  ])('refuses what call() refuses, with the same error: %j', async (params) => {
    h = await startHarness();
    const viaCall = await refusal(h.engine.call('orders.create', params, ctx));
    const viaRecord = await refusal(h.engine.placeOrderRecord(params, ctx));
    expect(viaRecord).toEqual(viaCall);
  });

  it('is refused for a key without the trade scope, as call() is', async () => {
    h = await startHarness();
    await expect(h.engine.placeOrderRecord({ symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, { actor: 'x', keyId: 'K-no-such-key' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe("call('orders.create') (REST, WebSocket, the Binance gateway)", () => {
  it("checks an order's plain parameters by hand, without the schema's walk; anything else goes through the schema", async () => {
    h = await startHarness();
    const schema = vi.spyOn(METHODS['orders.create'].params, 'safeParse');
    const plain = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '90', client_order_id: 'p-1' }, ctx);
    expect(plain).toMatchObject({ account: 'paper', client_order_id: 'p-1', time_in_force: 'GTC', post_only: false, reduce_only: false });
    expect(schema).not.toHaveBeenCalled();
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '90', stop_loss: { stop_price: '80' } }, ctx);
    expect(schema).toHaveBeenCalledTimes(1);
  });
});
