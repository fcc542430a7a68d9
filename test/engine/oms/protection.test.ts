import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { TernError } from '../../../src-common/contract/errors.js';
import { SYMBOL, ctx, pushBookAround, settled, startHarness, type Harness } from '../../helpers/engine-harness.js';

// Issue 12 through the engine on paper: OCO groups, attached exits, trailing stops,
// held by the simulated venue (native) and by Tern (a venue that holds none of them).
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const settle = () => settled(h);
/** trailing-stop moves are journaled in batches, at most TRAIL_JOURNAL_MS apart: a kill -9 within that window restores the stop a little behind */
const journaledMoves = async () => {
  await new Promise((r) => setTimeout(r, 300));
  await h.engine.journal.durable();
};
const position = () => h.engine.portfolio.positionQuantity('paper', SYMBOL).toFixed();
/** a print at `price` with a book around it: stops trigger on the print, market orders walk the book */
const marketAt = (price: number) => {
  pushBookAround(h.feed, price);
  h.feed.pushTrade(SYMBOL, price.toFixed(2), '1');
};
async function buy(quantity = '1') {
  await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity }, ctx);
}
async function refusal(p: Promise<unknown>): Promise<{ code: string; field: unknown; rule: unknown; message: string }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TernError);
    const e = err as TernError;
    return { code: e.code, field: e.details?.field, rule: e.details?.rule, message: e.message };
  }
  throw new Error('expected a refusal');
}

for (const mode of ['venue', 'tern'] as const) {
  describe(`OCO held by the ${mode}`, () => {
    const start = () => startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
    const oco = (quantity = '1') =>
      h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity, take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }, ctx);

    it('places two linked legs; the take profit fills, the stop is canceled', async () => {
      h = await start();
      marketAt(100);
      await buy();
      const group = await oco();
      expect(group.orders.map((o) => [o.type, o.role, o.held_by, o.oco_id, o.reduce_only, o.status])).toEqual([
        ['limit', 'take_profit', mode, group.oco_id, true, 'open'],
        ['stop_market', 'stop_loss', mode, group.oco_id, true, 'open'],
      ]);
      marketAt(111);
      await settle();
      const [tp, sl] = await Promise.all(group.orders.map((o) => get(o.id)));
      expect(tp!.status).toBe('filled');
      expect(sl!.status).toBe('canceled');
      expect(position()).toBe('0');
    });

    it('the stop fills, the take profit is canceled; the position is sold once', async () => {
      h = await start();
      marketAt(100);
      await buy();
      const group = await oco();
      marketAt(89);
      await settle();
      const [tp, sl] = await Promise.all(group.orders.map((o) => get(o.id)));
      expect(sl!.status).toBe('filled');
      expect(tp!.status).toBe('canceled');
      expect(position()).toBe('0');
    });

    it('canceling one leg cancels the group', async () => {
      h = await start();
      marketAt(100);
      await buy();
      const group = await oco();
      await h.engine.call('orders.cancel', { id: group.orders[1]!.id }, ctx);
      await settle();
      const legs = await Promise.all(group.orders.map((o) => get(o.id)));
      expect(legs.map((o) => o.status)).toEqual(['canceled', 'canceled']);
    });

    it('a partial fill of the take profit shrinks the stop to what is left', async () => {
      h = await start();
      marketAt(100);
      await buy();
      const group = await oco();
      h.feed.pushBook(SYMBOL, [['110', '0.4']], [['110.1', '5']]); // bids reach the take profit: 0.4 fills
      await settle();
      const sl = await get(group.orders[1]!.id);
      expect(sl.quantity).toBe('0.6');
      expect(position()).toBe('0.6');
    });

    it('max_open_orders counts every leg; a refused second leg places nothing', async () => {
      h = await start();
      marketAt(100);
      await buy();
      await h.engine.call('risk.setLimits', { account: 'paper', limits: { max_open_orders: '1' } }, ctx);
      const r = await refusal(oco());
      expect(r.code).toBe('RISK_REJECTED');
      expect(h.engine.oms.activeOrders()).toEqual([]);
    });
  });

  describe(`attached exits (${mode})`, () => {
    it('a market entry places a reduce-only OCO for what filled; the entry lists its exits, each exit names its parent', async () => {
      h = await startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
      marketAt(100);
      const order = (await h.engine.call(
        'orders.create',
        { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1.5', take_profit: { price: '120' }, stop_loss: { stop_price: '95' } },
        ctx,
      )) as unknown as Order;
      await settle();
      const entry = await get(order.id);
      expect(entry.exits).toHaveLength(2);
      const exits = await Promise.all(entry.exits.map(get));
      expect(exits.map((o) => [o.role, o.side, o.quantity, o.parent_id, o.reduce_only, o.status])).toEqual([
        ['take_profit', 'sell', '1.5', order.id, true, 'open'],
        ['stop_loss', 'sell', '1.5', order.id, true, 'open'],
      ]);
      expect(exits[0]!.oco_id).toBe(exits[1]!.oco_id);
    });

    it('a limit entry filling in parts grows its exits to the filled quantity', async () => {
      h = await startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
      marketAt(100);
      const placed = (await h.engine.call(
        'orders.create',
        { symbol: SYMBOL, side: 'buy', type: 'limit', price: '99', quantity: '2', take_profit: { price: '120' }, stop_loss: { stop_price: '90' } },
        ctx,
      )) as unknown as Order;
      h.feed.pushBook(SYMBOL, [['98', '5']], [['99', '0.5']]);
      await settle();
      h.feed.pushBook(SYMBOL, [['98', '5']], [['99', '1']]);
      await settle();
      const entry = await get(placed.id);
      expect(entry.filled_quantity).toBe('1.5');
      const open = (await Promise.all(entry.exits.map(get))).filter((o) => o.status === 'open');
      expect(open.map((o) => o.quantity)).toEqual(['1.5', '1.5']);
      expect(position()).toBe('1.5');
    });
  });
}

describe('trailing stops', () => {
  const trailing = (extra: Record<string, string> = {}) =>
    h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: '5', trailing_unit: 'percent', reduce_only: true, ...extra }, ctx) as unknown as Promise<Order>;

  for (const mode of ['venue', 'tern'] as const) {
    it(`(${mode}) follow the best price, show the current stop, sell at market when hit`, async () => {
      h = await startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
      marketAt(100);
      await buy();
      const placed = await trailing();
      expect(placed.held_by).toBe(mode);
      expect([placed.trailing_offset, placed.trailing_unit]).toEqual(['5', 'percent']);
      marketAt(120);
      await settle();
      expect((await get(placed.id)).stop_price).toBe('114');
      marketAt(117);
      await settle();
      expect((await get(placed.id)).stop_price).toBe('114');
      marketAt(113);
      await settle();
      const done = await get(placed.id);
      expect(done.status).toBe('filled');
      expect(position()).toBe('0');
    });
  }

  it('(tern) kill -9 and restart: same stop, nothing doubled; a stop crossed while Tern was down fires on the first price and says so', async () => {
    h = await startHarness({ capabilities: EMULATED });
    marketAt(100);
    await buy();
    const placed = await trailing();
    marketAt(120);
    await settle();
    await journaledMoves();
    h = await h.restart();
    const back = await get(placed.id);
    expect([back.status, back.stop_price, back.held_by]).toEqual(['open', '114', 'tern']);
    expect(h.engine.oms.activeOrders()).toHaveLength(1);
    marketAt(110); // below 114: it happened while Tern was down
    await settle();
    const fired = await get(placed.id);
    expect(fired.status).toBe('filled');
    expect(fired.reject_reason).toMatch(/triggered at restart.*while Tern was not running/);
    expect(position()).toBe('0');
  });

  it('(venue) restart: the paper venue takes it back at the same stop, still trailing', async () => {
    h = await startHarness();
    marketAt(100);
    await buy();
    const placed = await trailing();
    marketAt(120);
    await settle();
    await journaledMoves();
    h = await h.restart();
    expect((await get(placed.id)).stop_price).toBe('114');
    marketAt(130);
    await settle();
    expect((await get(placed.id)).stop_price).toBe('123.5');
  });
});

describe('restart with brackets', () => {
  it('OCO legs come back linked (venue): after a restart the take profit filling still cancels the stop', async () => {
    h = await startHarness();
    marketAt(100);
    await buy();
    const group = await h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '1', take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }, ctx);
    await settle();
    h = await h.restart();
    expect(h.engine.oms.activeOrders().map((o) => o.protection?.ocoId)).toEqual([group.oco_id, group.oco_id]);
    marketAt(111);
    await settle();
    const legs = await Promise.all(group.orders.map((o) => get(o.id)));
    expect(legs.map((o) => o.status)).toEqual(['filled', 'canceled']);
    expect(position()).toBe('0');
  });
});

describe('bad input: a 400 naming the field and the rule, nothing placed', () => {
  it.each([
    ['take profit below the market', { take_profit: { price: '95' }, stop_loss: { stop_price: '90' } }, 'take_profit.price', 'take_profit_side'],
    ['a stop that triggers at once', { take_profit: { price: '110' }, stop_loss: { stop_price: '101' } }, 'stop_loss.stop_price', 'stop_triggers_at_once'],
    ['an OCO larger than the position', { quantity: '2', take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }, 'quantity', 'oco_within_position'],
  ])('%s', async (_name, params, field, rule) => {
    h = await startHarness();
    marketAt(100);
    await buy();
    const r = await refusal(h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '1', ...params }, ctx));
    expect([r.code, r.field, r.rule]).toEqual(['INVALID_ORDER', field, rule]);
    expect(h.engine.oms.activeOrders()).toEqual([]);
  });

  it.each([
    ['0', 'price'],
    ['100', 'percent'],
  ])('trailing offset %s %s', async (offset, unit) => {
    h = await startHarness();
    marketAt(100);
    const r = await refusal(h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: offset, trailing_unit: unit }, ctx));
    expect(r.code === 'INVALID_ORDER' || r.code === 'BAD_REQUEST').toBe(true);
    expect(String(r.field ?? r.message)).toMatch(/trailing_offset/);
  });

  it('a take profit on the wrong side of a limit entry', async () => {
    h = await startHarness();
    marketAt(100);
    const r = await refusal(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', price: '99', quantity: '1', take_profit: { price: '98' } }, ctx));
    expect([r.field, r.rule]).toEqual(['take_profit.price', 'take_profit_side']);
  });
});

describe('positions.protect', () => {
  it('sizes the group to the position and resizes it when the position grows', async () => {
    h = await startHarness();
    marketAt(100);
    await buy('1');
    const group = await h.engine.call('positions.protect', { symbol: SYMBOL, take_profit: { price: '120' }, stop_loss: { stop_price: '90' } }, ctx);
    expect(group.orders.map((o) => o.quantity)).toEqual(['1', '1']);
    await buy('0.5');
    await settle();
    const legs = await Promise.all(group.orders.map((o) => get(o.id)));
    expect(legs.map((o) => o.quantity)).toEqual(['1.5', '1.5']);
  });
});

describe('kill switch during a bracket storm', () => {
  for (const mode of ['venue', 'tern'] as const) {
    it(`(${mode}) cancels whole groups and closes the position exactly once`, async () => {
      h = await startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
      marketAt(100);
      const entries = Array.from({ length: 12 }, () =>
        h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1', take_profit: { price: '120' }, stop_loss: { stop_price: '90' } }, ctx),
      );
      await Promise.all(entries);
      // exits are still being placed for some entries while the switch is thrown
      const report = await h.engine.call('risk.killSwitch', { reason: 'storm', flatten: true }, ctx);
      await settle();
      marketAt(100);
      await settle();
      expect(position()).toBe('0');
      expect(h.engine.oms.activeOrders()).toEqual([]);
      const orders = (await h.engine.call('orders.list', { status: 'all' }, ctx)) as Order[];
      const closes = orders.filter((o) => o.type === 'market' && o.side === 'sell');
      expect(closes).toHaveLength(1);
      expect(report.state).toBe('HALTED');
      const sold = orders.filter((o) => o.side === 'sell').reduce((a, o) => a + Number(o.filled_quantity), 0);
      expect(sold).toBeCloseTo(1.2, 10);
    });
  }
});
