/**
 * A Binance OCO list whose take profit fills in part (issue 12): the exchange
 * ends the stop leg as soon as the take profit starts executing (Binance's
 * rule), which would leave the rest of the position with no stop. Tern cancels
 * the take profit's remainder and places a new list (same prices, Tern's
 * client ids, journaled) for the rest; a new list that is refused says the
 * rest is NOT protected. Real ccxt.binance class against the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../src-common/contract/schemas.js';
import { expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern({ balances: { USDT: '100000', BTC: '0' } });
  h.sim.control.setFees(h.apiKey, { maker: '0', taker: '0' });
  h.sim.control.setPrice('BTC/USDT', '60000');
  const buy = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '1', client_order_id: 'op-entry' });
  expect(buy.status).toBe('filled');
});

afterAll(async () => {
  await h?.close();
});

const order = (id: string) => h.call('orders.get', { id });
const openOnExchange = () => h.sim.control.orders({ apiKey: h.apiKey, open: true });
/** the working legs of lists, take-profit first */
const protections = async (): Promise<Order[]> =>
  (await h.call('orders.list', { account: 'bn', status: 'open', limit: 100 })).filter((o) => o.oco_id !== null).sort((a, b) => String(b.role).localeCompare(String(a.role)));

const listAt = async (quantity: string, not?: string) => {
  const legs = await protections();
  return legs.length === 2 && legs.every((o) => o.quantity === quantity && o.status === 'open' && o.oco_id !== not);
};

describe("a venue's OCO list whose take profit fills in part", () => {
  it('the last trade is at the take profit: the rest keeps working and says it has no stop; a trade off the take profit brings a new list for the rest', async () => {
    const group = await h.call('positions.protect', { account: 'bn', symbol: 'BTC/USDT', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000', price: '56900' } });
    expect(group.orders.map((o) => [o.role, o.quantity, o.held_by])).toEqual([['take_profit', '1', 'venue'], ['stop_loss', '1', 'venue']]);
    const [tp, sl] = group.orders;
    h.sim.control.setPrice('BTC/USDT', '63000');
    h.sim.control.fillOrder({ apiKey: h.apiKey, clientOrderId: tp!.client_order_id }, { qty: '0.4' });
    // the simulator does what Binance does: the stop leg ends as the take profit starts filling
    expect(h.sim.control.order({ apiKey: h.apiKey, clientOrderId: sl!.client_order_id })!.status).toBe('EXPIRED');
    // a new list now would be refused (a sell list's limit must be above the last price): nothing is canceled, the rest says so
    await until(async () => /has no stop until the market moves off the take profit/.test((await order(tp!.id)).reject_reason ?? ''), 'the take profit says the rest has no stop');
    const waiting = await order(tp!.id);
    expect([waiting.status, waiting.filled_quantity]).toEqual(['partially_filled', '0.4']);
    expect((await order(sl!.id)).status).toBe('canceled');
    expect(openOnExchange().map((o) => o.clientOrderId)).toEqual([tp!.client_order_id]);
    // the market moves off the take profit: the rest (0.6) is protected again by a new list
    h.sim.control.setPrice('BTC/USDT', '61000');
    await until(() => listAt('0.6', group.oco_id), 'a new list for the rest', 15_000);
    expect([(await order(tp!.id)).status, (await order(tp!.id)).filled_quantity]).toEqual(['canceled', '0.4']);
    expect(openOnExchange()).toHaveLength(2);
    await expectConsistent(h);
    // leave nothing working for the next case: canceling one leg cancels the list
    const fresh = await protections();
    await h.call('orders.cancel', { id: fresh[0]!.id });
    await until(async () => (await protections()).length === 0 && openOnExchange().length === 0, 'the list canceled');
  });

  let legs: Order[] = [];
  it('the market moves off the take profit before the new list goes: the rest is protected again by a new list, same prices, Tern client ids', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    const group = await h.call('positions.protect', { account: 'bn', symbol: 'BTC/USDT', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000', price: '56900' } });
    expect(group.orders.map((o) => o.quantity)).toEqual(['0.6', '0.6']);
    const [tp, sl] = group.orders;
    // the cancel of the take profit's rest is slow; meanwhile the price falls back from the take profit
    h.sim.control.addFault({ endpoint: 'DELETE /api/v3/order', kind: 'latency', ms: 400, times: 1 });
    h.sim.control.fillOrder({ apiKey: h.apiKey, clientOrderId: tp!.client_order_id }, { qty: '0.2' });
    await until(async () => (await order(tp!.id)).filled_quantity === '0.2', 'Tern saw the partial fill');
    h.sim.control.setPrice('BTC/USDT', '61000');
    await until(() => listAt('0.4', group.oco_id), 'a new list for the rest');
    legs = await protections();
    expect(legs.map((o) => [o.role, o.quantity, o.held_by, o.price, o.stop_price, o.type])).toEqual([
      ['take_profit', '0.4', 'venue', '63000', null, 'limit'],
      ['stop_loss', '0.4', 'venue', '56900', '57000', 'stop_limit'],
    ]);
    const oldTp = await order(tp!.id);
    expect([oldTp.status, oldTp.filled_quantity]).toEqual(['canceled', '0.2']);
    expect(oldTp.reject_reason).toBe(`oco: the take profit filled in part; the rest is protected again by a new list (group ${legs[0]!.oco_id})`);
    expect((await order(sl!.id)).status).toBe('canceled');
    expect(openOnExchange().map((o) => [o.clientOrderId, o.origQty]).sort()).toEqual(legs.map((o) => [o.client_order_id, '0.4']).sort());
    const lists = h.sim.control.requests('POST /api/v3/orderList/oco').map((r) => r.params);
    expect(lists.at(-1)).toMatchObject({ listClientOrderId: legs[0]!.oco_id, quantity: '0.4', aboveClientOrderId: legs[0]!.client_order_id, belowClientOrderId: legs[1]!.client_order_id });
    await expectConsistent(h);
  });

  it('the new list still follows the position', async () => {
    await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.1', client_order_id: 'op-more' });
    await until(() => listAt('0.5', legs[0]!.oco_id ?? undefined), 'the list at 0.5');
    expect(openOnExchange()).toHaveLength(2);
    await expectConsistent(h);
  });
});
