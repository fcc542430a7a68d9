import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { ctx, type Harness, marketAt, settled, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

// Issue 12, kill -9: an entry with attached exits fills, its fill is journaled, and Tern dies
// before the exits are placed. The exits owed were only in memory; the restart places them,
// once (a second restart places nothing more), and says so.
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const settle = () => settled(h);
/** the process dies before the exits of the next fills are placed: the fills are journaled, nothing after them */
const dieBeforeExits = () => {
  Object.assign(h.engine.oms, { settleExits: () => new Promise(() => {}) });
};
/** the exits of `entryId`, every state, read from the store (a crash may have kept them off the entry's list) */
const exitsOf = (entryId: string) =>
  h.engine.call('orders.list', { status: 'all', limit: 1000 }, ctx).then((r) => (r as Order[]).filter((o) => o.parent_id === entryId).reverse());

for (const mode of ['venue', 'tern'] as const) {
  const start = () => startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});

  describe(`exits owed across a kill -9 (held by the ${mode})`, () => {
    it('a market entry filled, its exits never placed: the restart places them for what filled, and a second restart adds nothing', async () => {
      h = await start();
      await marketAt(h, 100);
      dieBeforeExits();
      const entry = (await h.engine.call(
        'orders.create',
        { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1.5', take_profit: { price: '120' }, stop_loss: { stop_price: '95' } },
        ctx,
      )) as unknown as Order;
      await settle();
      expect((await get(entry.id)).filled_quantity).toBe('1.5');
      expect(await exitsOf(entry.id)).toEqual([]);

      h = await h.restart();
      await settle();
      await marketAt(h, 100);
      const exits = await exitsOf(entry.id);
      expect(exits.map((o) => [o.role, o.side, o.quantity, o.reduce_only, o.status, o.held_by])).toEqual([
        ['take_profit', 'sell', '1.5', true, 'open', mode],
        ['stop_loss', 'sell', '1.5', true, 'open', mode],
      ]);
      expect(exits[0]!.reject_reason).toMatch(/^placed at restart/);
      expect((await get(entry.id)).exits).toEqual(exits.map((o) => o.id));

      h = await h.restart();
      await settle();
      await marketAt(h, 100);
      expect((await exitsOf(entry.id)).map((o) => [o.id, o.quantity, o.status])).toEqual(exits.map((o) => [o.id, '1.5', 'open']));
      // and they protect: the stop sells what the entry bought
      await marketAt(h, 94);
      expect(h.engine.portfolio.positionQuantity('paper', SYMBOL).toFixed()).toBe('0');
    });

    it('a limit entry filling in parts: the part filled before the crash keeps its exits, the part whose exits were lost is added at restart, the part filled after follows', async () => {
      h = await start();
      await marketAt(h, 100);
      const placed = (await h.engine.call(
        'orders.create',
        { symbol: SYMBOL, side: 'buy', type: 'limit', price: '99', quantity: '2', take_profit: { price: '120' }, stop_loss: { stop_price: '90' } },
        ctx,
      )) as unknown as Order;
      h.feed.pushBook(SYMBOL, [['98', '5']], [['99', '0.5']]);
      await settle();
      dieBeforeExits();
      h.feed.pushBook(SYMBOL, [['98', '5']], [['99', '1']]);
      await settle();
      expect((await get(placed.id)).filled_quantity).toBe('1.5');
      const covered = async () => {
        const open = (await exitsOf(placed.id)).filter((o) => o.status === 'open');
        const sum = (role: string) => open.filter((o) => o.role === role).reduce((s, o) => s + Number(o.quantity), 0);
        return [sum('take_profit'), sum('stop_loss')];
      };
      expect(await covered()).toEqual([0.5, 0.5]);

      h = await h.restart();
      await settle();
      await marketAt(h, 100);
      expect(await covered()).toEqual([1.5, 1.5]);

      h.feed.pushBook(SYMBOL, [['98', '5']], [['99', '5']]);
      await settle();
      expect((await get(placed.id)).filled_quantity).toBe('2');
      expect(await covered()).toEqual([2, 2]);

      h = await h.restart();
      await settle();
      await marketAt(h, 100);
      expect(await covered()).toEqual([2, 2]);
    });
  });
}

describe('exits owed across a kill -9: the exits were journaled but never reached the venue', () => {
  it('the restart rejects them as never sent and places them again', async () => {
    h = await startHarness({ capabilities: EMULATED });
    await marketAt(h, 100);
    // the exits are journaled, then the process dies before the venue answers
    const venue = h.venues.get('paper')!;
    const createOrder = venue.createOrder.bind(venue);
    let entryDone = false;
    // a venue that answers later (the in-process one answers inside the call, which no crash can split)
    Object.assign(venue, { createOrderNow: undefined });
    venue.createOrder = (r) => (entryDone ? new Promise(() => {}) : ((entryDone = true), createOrder(r)));
    const entry = (await h.engine.call(
      'orders.create',
      { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1', take_profit: { price: '120' }, stop_loss: { stop_price: '95' } },
      ctx,
    )) as unknown as Order;
    await new Promise((r) => setTimeout(r, 20));
    await h.engine.journal.durable();
    expect((await exitsOf(entry.id)).map((o) => o.status)).toEqual(['pending', 'pending']);

    h = await h.restart();
    await settle();
    await marketAt(h, 100);
    const exits = await exitsOf(entry.id);
    expect(exits.map((o) => [o.role, o.quantity, o.status])).toEqual([
      ['take_profit', '1', 'rejected'],
      ['stop_loss', '1', 'rejected'],
      ['take_profit', '1', 'open'],
      ['stop_loss', '1', 'open'],
    ]);
  });
});
