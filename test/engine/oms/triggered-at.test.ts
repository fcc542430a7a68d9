import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { ctx, type Harness, marketAt, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

// An order says when its trigger fired (triggered_at), whoever fired it — the
// venue or Tern's trigger book — and keeps it across a restart: a stop or take
// profit limit that triggered and rests unfilled is working (Binance's
// isWorking / workingTime), one still waiting is not.
let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const place = async (body: Record<string, unknown>) => (await h.engine.call('orders.create', { symbol: SYMBOL, quantity: '1', ...body }, ctx)) as unknown as Order;

describe('triggered_at', () => {
  it('a take_profit_limit the paper venue holds: null while it waits, set when it fires and rests at its limit, kept after a restart', async () => {
    h = await startHarness();
    await marketAt(h, 100);
    await place({ side: 'buy', type: 'market' });
    const tp = await place({ side: 'sell', type: 'take_profit_limit', stop_price: '110', price: '112', client_order_id: 'vtp' });
    expect([tp.held_by, tp.triggered_at]).toEqual(['venue', null]);
    await marketAt(h, 90);
    expect((await get(tp.id)).triggered_at).toBeNull();
    await marketAt(h, 110);
    const fired = await get(tp.id);
    expect([fired.status, fired.filled_quantity]).toEqual(['open', '0']);
    expect(typeof fired.triggered_at).toBe('string');
    h = await h.restart();
    expect((await get(tp.id)).triggered_at).toBe(fired.triggered_at);
    // a limit order never has one
    expect((await place({ side: 'sell', type: 'limit', price: '130' })).triggered_at).toBeNull();
  });

  it('a stop_limit Tern holds: set when Tern fires it, kept after a restart', async () => {
    h = await startHarness({ capabilities: { stopOrders: false, oco: false, trailingStop: false } });
    await marketAt(h, 100);
    await place({ side: 'buy', type: 'market' });
    const stop = await place({ side: 'sell', type: 'stop_limit', stop_price: '95', price: '96', reduce_only: true, client_order_id: 'sl' });
    expect([stop.held_by, stop.triggered_at]).toEqual(['tern', null]);
    await marketAt(h, 95);
    const fired = await get(stop.id);
    expect([fired.status, fired.filled_quantity, typeof fired.triggered_at]).toEqual(['open', '0', 'string']);
    h = await h.restart();
    expect((await get(stop.id)).triggered_at).toBe(fired.triggered_at);
  });
});
