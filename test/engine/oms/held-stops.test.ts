import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { ctx, type Harness, marketAt, settled, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

// Issue 12, "who holds it": a venue that holds no stop orders gets none. A stop
// (plain, the only exit of an entry, or a position's stop) waits in Tern, is
// said to be held by Tern, and fires as a market (or limit) order when the last
// price reaches it.
const NO_STOPS = { stopOrders: false, oco: false, trailingStop: false };

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const settle = () => settled(h);
const position = () => h.engine.portfolio.positionQuantity('paper', SYMBOL).toFixed();
/** what rests on the paper venue itself */
const onVenue = () => h.venues.get('paper')!.openOrders().map((o) => o.clientOrderId);

describe('stops on a venue without stop orders are held by Tern', () => {
  it('a plain stop_market waits in Tern, not on the venue, and sells at market when the price reaches it', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const stop = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'stop_market', stop_price: '95', quantity: '1', reduce_only: true, client_order_id: 'st' }, ctx)) as unknown as Order;
    expect([stop.status, stop.held_by]).toEqual(['open', 'tern']);
    expect(onVenue()).toEqual([]);
    await marketAt(h, 96);
    expect((await get(stop.id)).status).toBe('open');
    await marketAt(h, 94);
    expect((await get(stop.id)).status).toBe('filled');
    expect(position()).toBe('0');
  });

  it('a stop_limit fires as a limit at its price, which rests on the venue', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const stop = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'stop_limit', stop_price: '95', price: '95.5', quantity: '1', reduce_only: true, client_order_id: 'sl' }, ctx)) as unknown as Order;
    expect(stop.held_by).toBe('tern');
    expect(onVenue()).toEqual([]);
    await marketAt(h, 95);
    expect(onVenue()).toEqual(['sl']);
    const fired = await get(stop.id);
    expect([fired.status, fired.price]).toEqual(['open', '95.5']);
    await marketAt(h, 96);
    expect((await get(stop.id)).status).toBe('filled');
  });

  it('an entry whose only exit is a stop: the exit is held by Tern and fires', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    const entry = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1', stop_loss: { stop_price: '90' } }, ctx)) as unknown as Order;
    await settle();
    const [exitId] = (await get(entry.id)).exits;
    const exit = await get(exitId!);
    expect([exit.role, exit.held_by, exit.parent_id, exit.status]).toEqual(['stop_loss', 'tern', entry.id, 'open']);
    expect(onVenue()).toEqual([]);
    await marketAt(h, 89);
    expect((await get(exitId!)).status).toBe('filled');
    expect(position()).toBe('0');
  });

  it('a position protected by a stop alone: held by Tern', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const group = await h.engine.call('positions.protect', { symbol: SYMBOL, stop_loss: { stop_price: '90' } }, ctx);
    expect(group.orders.map((o) => [o.type, o.held_by, o.quantity])).toEqual([['stop_market', 'tern', '1']]);
    expect(onVenue()).toEqual([]);
    await marketAt(h, 89);
    expect(position()).toBe('0');
  });

  it('a take_profit_market sell waits in Tern while the market falls, and sells at market once it rises to its stop', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const tp = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'take_profit_market', stop_price: '110', quantity: '1', reduce_only: true, client_order_id: 'tp' }, ctx)) as unknown as Order;
    expect([tp.status, tp.held_by, tp.type]).toEqual(['open', 'tern', 'take_profit_market']);
    expect(onVenue()).toEqual([]);
    // a sell stop at 110 would have fired here
    await marketAt(h, 90);
    expect((await get(tp.id)).status).toBe('open');
    await marketAt(h, 111);
    expect((await get(tp.id)).status).toBe('filled');
    expect(position()).toBe('0');
  });

  it('a take_profit_limit buy held by Tern survives a restart and fires as a limit at its price when the market falls to it', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    const tp = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'take_profit_limit', stop_price: '90', price: '90.5', quantity: '1', client_order_id: 'tpl' }, ctx)) as unknown as Order;
    expect([tp.status, tp.held_by]).toEqual(['open', 'tern']);
    h = await h.restart();
    expect(await get(tp.id)).toMatchObject({ status: 'open', type: 'take_profit_limit', stop_price: '90', price: '90.5', held_by: 'tern' });
    expect(h.engine.oms.heldTriggers).toBe(1);
    await marketAt(h, 105);
    expect(onVenue()).toEqual([]);
    expect((await get(tp.id)).status).toBe('open');
    // fired at 90: a buy limit at 90.5 takes the ask there
    await marketAt(h, 90);
    expect(await get(tp.id)).toMatchObject({ status: 'filled', price: '90.5' });
    expect(position()).toBe('1');
  });

  it('a venue that holds stop orders keeps holding them', async () => {
    h = await startHarness({ capabilities: { stopOrders: true, oco: false, trailingStop: false } });
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const stop = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'stop_market', stop_price: '95', quantity: '1', reduce_only: true, client_order_id: 'st' }, ctx)) as unknown as Order;
    expect(stop.held_by).toBe('venue');
    expect(onVenue()).toEqual(['st']);
  });
});

describe('a take profit the paper venue holds', () => {
  it('is restored on the venue after a restart, as a take profit: a fall leaves it, a rise fills it', async () => {
    h = await startHarness();
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const tp = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'take_profit_limit', stop_price: '110', price: '109.5', quantity: '1', client_order_id: 'vtp' }, ctx)) as unknown as Order;
    expect([tp.status, tp.held_by]).toEqual(['open', 'venue']);
    expect(onVenue()).toEqual(['vtp']);
    h = await h.restart();
    expect(h.venues.get('paper')!.openOrders().map((o) => [o.clientOrderId, o.type, o.triggered, o.stopPrice?.toFixed()])).toEqual([['vtp', 'take_profit_limit', false, '110']]);
    await marketAt(h, 90);
    expect((await get(tp.id)).status).toBe('open');
    await marketAt(h, 110);
    expect((await get(tp.id)).status).toBe('filled');
    expect(position()).toBe('0');
  });
});

describe('a stop Tern fired just before a crash', () => {
  it('its order never reached the paper venue: after the restart it is sent on the first price, not dropped', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    await marketAt(h, 100);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    const group = await h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '1', take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }, ctx);
    // the process dies between the stop firing (journaled) and its market order reaching the venue
    const venue = h.venues.get('paper')!;
    const createOrder = venue.createOrder.bind(venue);
    venue.createOrder = (r) => (r.type === 'market' ? new Promise(() => {}) : createOrder(r));
    await marketAt(h, 89);
    const sl = group.orders[1]!;
    expect((await get(sl.id)).status).toBe('open'); // triggered: its market order is on its way
    expect((await get(group.orders[0]!.id)).status).toBe('canceled');
    h = await h.restart();
    expect((await get(sl.id)).status).toBe('open');
    await marketAt(h, 88);
    const after = await get(sl.id);
    expect([after.status, after.filled_quantity]).toEqual(['filled', '1']);
    expect(after.reject_reason).toMatch(/sent at restart/);
    expect(position()).toBe('0');
    // sent once: one venue order for it
    await marketAt(h, 87);
    expect((await h.engine.call('fills.list', {}, ctx)).filter((f) => f.client_order_id === sl.client_order_id)).toHaveLength(1);
  });
});

describe('what Tern cannot hold', () => {
  it('a trailing stop with no market price to trail from: INVALID_ORDER naming the field and the rule, nothing placed', async () => {
    h = await startHarness({ capabilities: NO_STOPS });
    h.feed.pushBook(SYMBOL, [], []); // no bid, no ask, no trade: no price at all
    const refused = await h.engine
      .call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: '5', trailing_unit: 'percent' }, ctx)
      .then(() => null, (err: unknown) => err as { code: string; details?: { field?: string; rule?: string } });
    expect([refused?.code, refused?.details?.field, refused?.details?.rule]).toEqual(['INVALID_ORDER', 'type', 'trailing_needs_price']);
    expect(h.engine.oms.activeOrders()).toEqual([]);
    expect(h.engine.oms.heldTriggers).toBe(0);
  });
});
