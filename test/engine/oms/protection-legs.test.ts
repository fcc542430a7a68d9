import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import type { SimExchange } from '../../../src-main/venues/sim/core.js';
import type { PaperOrder } from '../../../src-main/venues/sim/sim-order.js';
import { ctx, type Harness, marketAt, settled, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

// Issue 12, "each construct on paper rule by rule": what a group does when one of its legs
// expires or is amended. Binance's rule: a list is one thing; one leg ends (fills, is canceled,
// expires), the list is done; a leg's quantity is the list's.
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const settle = () => settled(h);
const position = () => h.engine.portfolio.positionQuantity('paper', SYMBOL).toFixed();
const start = (mode: 'venue' | 'tern') => startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
async function buy(quantity = '1') {
  await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity }, ctx);
}
const oco = (quantity = '1') =>
  h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity, take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }, ctx);

/** the paper exchange ends a resting order on its own, as an exchange expires one (its own rules, a time limit) */
async function expireOnVenue(clientOrderId: string, reason: string): Promise<void> {
  const core = (h.venues.get('paper') as unknown as { core: SimExchange<PaperOrder> }).core;
  core.operate(() => {
    const found = core.orders.find({ clientOrderId, venueOrderId: null, symbol: SYMBOL });
    if (!found || !('order' in found)) throw new Error(`${clientOrderId} is not open on the venue`);
    core.expire(found.order, reason);
  });
  await settle();
}

describe('a leg expires: the group is done (Tern links the legs)', () => {
  it('the take profit expires on the exchange: Tern cancels its stop, which no longer fires', async () => {
    h = await start('tern');
    await marketAt(h, 100);
    await buy();
    const group = await oco();
    expect(h.engine.oms.heldTriggers).toBe(1);
    await expireOnVenue(group.orders[0]!.client_order_id, 'GTC: expired on the exchange');
    const [tp, sl] = await Promise.all(group.orders.map((o) => get(o.id)));
    expect([tp!.status, sl!.status]).toEqual(['expired', 'canceled']);
    expect(sl!.reject_reason).toBe('oco: the other leg expired');
    expect(h.engine.oms.heldTriggers).toBe(0);
    await marketAt(h, 85);
    expect(position()).toBe('1');
    expect(h.engine.oms.activeOrders()).toEqual([]);
  });

  it('a bracket: the entry’s take profit expires, its stop is canceled with it', async () => {
    h = await start('tern');
    await marketAt(h, 100);
    const entry = (await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1', take_profit: { price: '120' }, stop_loss: { stop_price: '90' } }, ctx)) as unknown as Order;
    await settle();
    const [tpId, slId] = (await get(entry.id)).exits;
    await expireOnVenue((await get(tpId!)).client_order_id, 'GTC: expired on the exchange');
    expect([(await get(tpId!)).status, (await get(slId!)).status]).toEqual(['expired', 'canceled']);
    await marketAt(h, 85);
    expect(position()).toBe('1');
  });
});

for (const mode of ['venue', 'tern'] as const) {
  describe(`held by the ${mode}`, () => {
    it('the stop fires into a thin book: its market order fills what it can and expires; the take profit is already gone; nothing stays open', async () => {
      h = await start(mode);
      await marketAt(h, 100);
      await buy();
      const group = await oco();
      h.feed.pushBook(SYMBOL, [['89', '0.3']], [['89.5', '5']]);
      h.feed.pushTrade(SYMBOL, '89', '1');
      await settle();
      const [tp, sl] = await Promise.all(group.orders.map((o) => get(o.id)));
      expect([tp!.status, sl!.status, sl!.filled_quantity]).toEqual(['canceled', 'expired', '0.3']);
      expect(sl!.reject_reason).toMatch(/no more liquidity/);
      expect(position()).toBe('0.7');
      expect(h.engine.oms.activeOrders()).toEqual([]);
    });

    it('nothing half placed: the venue refuses the take profit (not enough BTC), both legs are rejected, no stop waits in Tern', async () => {
      h = await start(mode);
      await marketAt(h, 100);
      await buy();
      const group = await h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '5', take_profit: { price: '110' }, stop_loss: { stop_price: '90' }, reduce_only: false }, ctx);
      expect(group.orders.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(group.orders[0]!.reject_reason).toMatch(/^OCO refused: .*insufficient/i);
      expect(h.engine.oms.activeOrders()).toEqual([]);
      expect(h.engine.oms.heldTriggers).toBe(0);
      expect(h.venues.get('paper')!.openOrders()).toEqual([]);
      await marketAt(h, 85);
      expect(position()).toBe('1');
    });

    it('amending the take profit’s quantity amends the group: the stop protects the same quantity', async () => {
      h = await start(mode);
      await marketAt(h, 100);
      await buy();
      const group = await oco();
      await h.engine.call('orders.amend', { id: group.orders[0]!.id, quantity: '0.5' }, ctx);
      await settle();
      expect((await Promise.all(group.orders.map((o) => get(o.id)))).map((o) => [o.quantity, o.status])).toEqual([
        ['0.5', 'open'],
        ['0.5', 'open'],
      ]);
      await marketAt(h, 89);
      expect(position()).toBe('0.5');
      expect(h.engine.oms.activeOrders()).toEqual([]);
    });

    it('amending the take profit’s price keeps the group linked: it fills at the new price and the stop goes', async () => {
      h = await start(mode);
      await marketAt(h, 100);
      await buy();
      const group = await oco();
      await h.engine.call('orders.amend', { id: group.orders[0]!.id, price: '112' }, ctx);
      await marketAt(h, 111);
      expect((await get(group.orders[0]!.id)).status).toBe('open');
      await marketAt(h, 113);
      const [tp, sl] = await Promise.all(group.orders.map((o) => get(o.id)));
      expect([tp!.status, tp!.price, sl!.status]).toEqual(['filled', '112', 'canceled']);
      expect(position()).toBe('0');
    });
  });
}

describe('amending the stop leg Tern holds', () => {
  it('its quantity is the group’s: the take profit on the venue follows', async () => {
    h = await start('tern');
    await marketAt(h, 100);
    await buy();
    const group = await oco();
    await h.engine.call('orders.amend', { id: group.orders[1]!.id, quantity: '0.4' }, ctx);
    await settle();
    expect((await Promise.all(group.orders.map((o) => get(o.id)))).map((o) => o.quantity)).toEqual(['0.4', '0.4']);
    await marketAt(h, 111);
    expect(position()).toBe('0.6');
    expect(h.engine.oms.activeOrders()).toEqual([]);
  });
});

describe('a crash while Tern was placing its own group', () => {
  it('the take profit reached the venue, the stop was never armed: after the restart nothing of the group stays open', async () => {
    h = await start('tern');
    await marketAt(h, 100);
    await buy();
    // the venue takes the take profit, then the process dies before the answer comes back and the stop is armed
    const venue = h.venues.get('paper')!;
    const createOrder = venue.createOrder.bind(venue);
    venue.createOrder = (r) => {
      void createOrder(r);
      return new Promise(() => {});
    };
    void oco();
    await settle();
    const legs = h.engine.oms.activeOrders();
    expect(legs.map((o) => [o.protection?.role, o.state])).toEqual([
      ['take_profit', 'accepted'],
      ['stop_loss', 'submitted'],
    ]);
    h = await h.restart();
    await settle();
    const after = await Promise.all(legs.map((o) => get(o.id)));
    expect(after.map((o) => o.status)).toEqual(['canceled', 'rejected']);
    expect(after[0]!.reject_reason).toMatch(/^oco:/);
    expect(h.engine.oms.activeOrders()).toEqual([]);
    expect(h.venues.get('paper')!.openOrders()).toEqual([]);
  });
});
