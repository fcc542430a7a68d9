/**
 * positions.protect on Binance spot with the real ccxt classes (issue 12):
 * the exchange cannot amend one leg of its OCO list, so when the position
 * changes Tern cancels the list and places a new one at the new size — same
 * prices, Tern's client ids, journaled — never two lists at once. A new list
 * the exchange refuses leaves its legs rejected saying the position is not
 * protected, and nothing open on the exchange.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../src-common/contract/schemas.js';
import { expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern({ balances: { USDT: '100000', BTC: '0' } });
  // no fee taken in BTC: the lists sell exactly what was bought
  h.sim.control.setFees(h.apiKey, { maker: '0', taker: '0' });
  h.sim.control.setPrice('BTC/USDT', '60000');
  const buy = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.5', client_order_id: 'pr-entry' });
  expect(buy.status).toBe('filled');
});

afterAll(async () => {
  await h?.close();
});

const order = (id: string) => h.call('orders.get', { id });
const openOnExchange = () => h.sim.control.orders({ apiKey: h.apiKey, open: true });
/** the working protection legs, take-profit first */
const protections = async (): Promise<Order[]> =>
  (await h.call('orders.list', { account: 'bn', status: 'open', limit: 100 })).filter((o) => o.oco_id !== null).sort((a, b) => String(b.role).localeCompare(String(a.role)));
const listAt = async (quantity: string) => {
  const legs = await protections();
  return legs.length === 2 && legs.every((o) => o.quantity === quantity && o.status === 'open');
};
const buy = (quantity: string, id: string) => h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity, client_order_id: id });

describe('a protected position whose size changes keeps one exchange list at its size', () => {
  let first: { oco_id: string; orders: Order[] };

  it('protect places one list sized to the position, held by the exchange', async () => {
    first = await h.call('positions.protect', { account: 'bn', symbol: 'BTC/USDT', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000', price: '56900' } });
    expect(first.orders[0]!.reject_reason).toBeNull();
    expect(first.orders.map((o) => [o.role, o.quantity, o.status, o.held_by])).toEqual([
      ['take_profit', '0.5', 'open', 'venue'],
      ['stop_loss', '0.5', 'open', 'venue'],
    ]);
    expect(openOnExchange().map((o) => [o.clientOrderId, o.origQty]).sort()).toEqual(first.orders.map((o) => [o.client_order_id, '0.5']).sort());
  });

  it('the position grows: the old list is canceled and a new one for the whole position is placed with Tern client ids', async () => {
    await buy('0.2', 'pr-more');
    await until(() => listAt('0.7'), 'a list at 0.7');
    for (const leg of first.orders) {
      const now = await order(leg.id);
      expect(now.status).toBe('canceled');
      expect(now.reject_reason).toMatch(/^protect: the position is now 0\.7; this OCO list is re-placed at that size as group G/);
    }
    const legs = await protections();
    expect(legs.map((o) => [o.role, o.quantity, o.status, o.held_by, o.price, o.stop_price])).toEqual([
      ['take_profit', '0.7', 'open', 'venue', '63000', null],
      ['stop_loss', '0.7', 'open', 'venue', '56900', '57000'],
    ]);
    expect(new Set(legs.map((o) => o.oco_id)).size).toBe(1);
    // the exchange holds exactly the new list: both legs, Tern's client ids, Tern's group id as the list's id
    expect(openOnExchange().map((o) => [o.clientOrderId, o.origQty]).sort()).toEqual(legs.map((o) => [o.client_order_id, '0.7']).sort());
    const lists = h.sim.control.requests('POST /api/v3/orderList/oco').map((r) => r.params);
    expect(lists).toHaveLength(2);
    expect(lists[1]).toMatchObject({ listClientOrderId: legs[0]!.oco_id, quantity: '0.7', aboveClientOrderId: legs[0]!.client_order_id, belowClientOrderId: legs[1]!.client_order_id });
    await expectConsistent(h);
  });

  it('the new list still follows the position and still works as one group: its take-profit fills, its stop goes', async () => {
    await buy('0.1', 'pr-more2');
    await until(() => listAt('0.8'), 'a list at 0.8');
    expect(openOnExchange()).toHaveLength(2);
    const [tp, sl] = await protections();
    h.sim.control.setPrice('BTC/USDT', '63500');
    await until(async () => (await order(tp!.id)).status === 'filled', 'the take-profit filled');
    await until(async () => (await order(sl!.id)).status === 'canceled', 'the stop canceled');
    expect(openOnExchange()).toEqual([]);
    await expectConsistent(h);
  });

  it('a new list the exchange refuses: nothing open on the exchange, its legs rejected saying the position is not protected', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    await buy('0.5', 'pr-again');
    const group = await h.call('positions.protect', { account: 'bn', symbol: 'BTC/USDT', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000' } });
    expect(group.orders.map((o) => o.quantity)).toEqual(['0.5', '0.5']);
    h.sim.control.addFault({ endpoint: 'POST /api/v3/orderList/oco', kind: 'status', status: 400, body: { code: -1013, msg: 'Filter failure: PERCENT_PRICE_BY_SIDE' }, times: 1 });
    await buy('0.1', 'pr-refused');
    let refused: Order[] = [];
    await until(async () => {
      refused = (await h.call('orders.list', { account: 'bn', status: 'all', limit: 100 })).filter((o) => o.status === 'rejected' && o.oco_id !== null && o.oco_id !== group.oco_id);
      return refused.length === 2;
    }, 'the re-placed list rejected');
    for (const leg of refused) {
      expect(leg.quantity).toBe('0.6');
      expect(leg.reject_reason).toMatch(/^protect: the position changed to 0\.6 and the OCO list re-placed at that size was refused; the position is NOT protected \(protect it again\): .*PERCENT_PRICE_BY_SIDE/);
    }
    for (const leg of group.orders) expect((await order(leg.id)).status).toBe('canceled');
    expect(openOnExchange()).toEqual([]);
    expect(await protections()).toEqual([]);
    await expectConsistent(h);
  });

  it("a new list Tern's own risk check refuses: nothing open, its legs rejected naming the limit and saying the position is not protected", async () => {
    const group = await h.call('positions.protect', { account: 'bn', symbol: 'BTC/USDT', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000' } });
    expect(group.orders.map((o) => [o.quantity, o.status])).toEqual([['0.6', 'open'], ['0.6', 'open']]);
    // a list for 0.7 would be worth more than this limit (0.6 of it is not: it was placed before the limit)
    await h.call('risk.setLimits', { account: 'bn', limits: { max_order_notional: '40000' } });
    const lists = h.sim.control.requestCount('POST /api/v3/orderList/oco');
    await buy('0.1', 'pr-risk');
    let refused: Order[] = [];
    await until(async () => {
      refused = (await h.call('orders.list', { account: 'bn', status: 'all', limit: 100 })).filter((o) => o.status === 'rejected' && o.quantity === '0.7' && o.oco_id !== null);
      return refused.length === 2;
    }, 'the re-placed list refused by risk');
    for (const leg of refused) expect(leg.reject_reason).toMatch(/^protect: the position changed to 0\.7 and the OCO list re-placed at that size was refused; the position is NOT protected \(protect it again\): .*max_order_notional/);
    for (const leg of group.orders) expect((await order(leg.id)).status).toBe('canceled');
    expect(openOnExchange()).toEqual([]);
    // refused before anything went to the exchange
    expect(h.sim.control.requestCount('POST /api/v3/orderList/oco')).toBe(lists);
    await h.call('risk.setLimits', { account: 'bn', limits: { max_order_notional: null } });
    await expectConsistent(h);
  });

  it('a stop alone on the exchange (a Binance STOP_LOSS) follows the position too', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    const group = await h.call('positions.protect', { account: 'bn', symbol: 'BTC/USDT', stop_loss: { stop_price: '57000' } });
    expect(group.orders.map((o) => [o.quantity, o.status, o.held_by])).toEqual([['0.7', 'open', 'venue']]);
    await buy('0.1', 'pr-stop-more');
    await until(async () => (await protections()).some((o) => o.quantity === '0.8' && o.status === 'open'), 'the stop at 0.8');
    const open = openOnExchange();
    expect(open.map((o) => [o.type, o.origQty, o.status, o.clientOrderId])).toEqual([['STOP_LOSS', '0.8', 'NEW', group.orders[0]!.client_order_id]]);
    expect((await protections())[0]).toMatchObject({ type: 'stop_market', stop_price: '57000', held_by: 'venue' });
    await expectConsistent(h);
  });
});
