import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { ctx, type Harness, marketAt, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

// A stop or take profit Tern holds (the venue has no trigger orders of that
// kind) behaves as one the venue holds: a trigger the market already reached
// is refused instead of firing at once, a fired limit keeps the order's own
// time in force, and the trigger can be moved (orders.amend stop_price).
let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const HELD_BY_TERN = { stopOrders: false, takeProfitOrders: false, oco: false, trailingStop: false };
const start = (mode: 'venue' | 'tern') => startHarness(mode === 'tern' ? { capabilities: HELD_BY_TERN } : {});
const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const place = async (body: Record<string, unknown>) => (await h.engine.call('orders.create', { symbol: SYMBOL, quantity: '1', ...body }, ctx)) as unknown as Order;
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; message: string; details?: Record<string, unknown> };
    return { code: e.code, field: e.details?.['field'], rule: e.details?.['rule'], message: e.message };
  }
  throw new Error('not refused');
};
const long = async () => {
  await marketAt(h, 100);
  await place({ side: 'buy', type: 'market' });
};

describe('Tern-held triggers', () => {
  it('a stop or take profit the market already reached is refused, naming the rule, and nothing is placed', async () => {
    h = await start('tern');
    await long();
    for (const body of [
      { side: 'sell', type: 'stop_market', stop_price: '101' },
      { side: 'sell', type: 'stop_limit', stop_price: '100', price: '99' },
      { side: 'sell', type: 'take_profit_market', stop_price: '99' },
      { side: 'buy', type: 'take_profit_limit', stop_price: '101', price: '101' },
    ]) {
      const r = await refusal(place(body));
      expect(r).toMatchObject({ code: 'INVALID_ORDER', field: 'stop_price', rule: 'would_trigger_immediately' });
      expect(r.message).toMatch(/would trigger immediately: last price 100/);
      // the dry run says the same
      const check = (await h.engine.call('orders.check', { order: { symbol: SYMBOL, quantity: '1', ...body } }, ctx)) as { held_by: string; refusals: Array<{ details?: Record<string, unknown> }> };
      expect([check.held_by, check.refusals[0]?.details?.['rule']]).toEqual(['tern', 'would_trigger_immediately']);
    }
    expect(h.engine.oms.heldTriggers).toBe(0);
    // one not reached is held and waits
    const stop = await place({ side: 'sell', type: 'stop_market', stop_price: '95' });
    expect([stop.held_by, stop.status]).toEqual(['tern', 'open']);
    await marketAt(h, 99);
    expect((await get(stop.id)).status).toBe('open');
  });

  it("an entry's stop exit Tern places as the entry fills is placed even if the last price already passed it (it then fires), not refused and lost", async () => {
    h = await start('tern');
    await marketAt(h, 100);
    // the last trade is below the book's mid: the stop is checked against the entry's market (the mid) when it is sent
    h.feed.pushTrade(SYMBOL, '99.50', '1');
    const entry = await place({ side: 'buy', type: 'market', stop_loss: { stop_price: '99.8' } });
    await h.engine.oms.exitsSettled();
    const exits = h.engine.oms.activeOrders({}).filter((o) => o.protection?.parentId === entry.id);
    expect(exits.map((o) => [o.type, o.protection?.heldBy])).toEqual([['stop_market', 'tern']]);
  });

  for (const mode of ['venue', 'tern'] as const) {
    it(`(${mode}) a fired stop limit keeps its time in force: IOC that cannot fill at its limit ends instead of resting`, async () => {
      h = await start(mode);
      await long();
      const stop = await place({ side: 'sell', type: 'stop_limit', stop_price: '95', price: '96', time_in_force: 'IOC', reduce_only: true });
      expect([stop.held_by, stop.time_in_force]).toEqual([mode, 'IOC']);
      // the book at 95: the best bid 94.9 is below the limit 96, so nothing fills
      await marketAt(h, 95);
      const fired = await get(stop.id);
      expect([fired.filled_quantity, fired.time_in_force]).toEqual(['0', 'IOC']);
      expect(['canceled', 'expired']).toContain(fired.status);
    });

    it(`(${mode}) a waiting stop's trigger is amended (stop_price): it fires at the new one, never where the market already is`, async () => {
      h = await start(mode);
      await long();
      const stop = await place({ side: 'sell', type: 'stop_market', stop_price: '95', reduce_only: true });
      const moved = (await h.engine.call('orders.amend', { id: stop.id, stop_price: '97' }, ctx)) as Order;
      expect([moved.status, moved.stop_price, moved.held_by]).toEqual(['open', '97', mode]);
      const reached = await refusal(h.engine.call('orders.amend', { id: stop.id, stop_price: '101' }, ctx));
      expect(reached.code).toBe('INVALID_ORDER');
      expect(reached.message).toMatch(/would trigger immediately/);
      expect((await get(stop.id)).stop_price).toBe('97');
      await marketAt(h, 97.5);
      expect((await get(stop.id)).status).toBe('open');
      await marketAt(h, 97);
      expect((await get(stop.id)).status).toBe('filled');
    });

    it(`(${mode}) a waiting stop limit's limit price and trigger are amended together`, async () => {
      h = await start(mode);
      await long();
      const stop = await place({ side: 'sell', type: 'stop_limit', stop_price: '95', price: '94', reduce_only: true });
      const moved = (await h.engine.call('orders.amend', { id: stop.id, stop_price: '96', price: '95.5' }, ctx)) as Order;
      expect([moved.stop_price, moved.price]).toEqual(['96', '95.5']);
      h = await h.restart();
      expect(await get(stop.id)).toMatchObject({ stop_price: '96', price: '95.5', status: 'open' });
    });
  }

  it('a limit or trailing stop has no trigger to amend; a triggered one can no longer move it', async () => {
    h = await start('tern');
    await long();
    const limit = await place({ side: 'sell', type: 'limit', price: '120' });
    expect(await refusal(h.engine.call('orders.amend', { id: limit.id, stop_price: '110' }, ctx))).toMatchObject({ code: 'INVALID_ORDER', field: 'stop_price' });
    const trailing = await place({ side: 'sell', type: 'trailing_stop', trailing_offset: '2', trailing_unit: 'price', reduce_only: true });
    expect(await refusal(h.engine.call('orders.amend', { id: trailing.id, stop_price: '90' }, ctx))).toMatchObject({ code: 'INVALID_ORDER', field: 'stop_price' });
    // the limit locks the coins the fired stop limit sells
    for (const o of [limit, trailing]) await h.engine.call('orders.cancel', { id: o.id }, ctx);
    const stop = await place({ side: 'sell', type: 'stop_limit', stop_price: '95', price: '96', reduce_only: true });
    // fired: the limit rests at 96, above the market
    await marketAt(h, 95);
    expect([(await get(stop.id)).status, (await get(stop.id)).reject_reason]).toEqual(['open', null]);
    expect(await refusal(h.engine.call('orders.amend', { id: stop.id, stop_price: '94' }, ctx))).toMatchObject({ code: 'INVALID_ORDER', field: 'stop_price', rule: 'trigger_fired' });
  });
});
