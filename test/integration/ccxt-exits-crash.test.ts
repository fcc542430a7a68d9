/**
 * Issue 12, kill -9, live: an entry with attached TP/SL fills on Binance spot (the
 * exchange simulator, the real ccxt class), its fill is journaled, and Tern dies
 * before the exits are placed. The restart places them — as one exchange OCO list
 * for what filled, Tern's client ids, saying so — once reconciliation has compared
 * Tern's orders with the exchange's, and a second restart places nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../src-common/contract/schemas.js';
import { startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern({ balances: { USDT: '100000', BTC: '0' } });
  h.sim.control.setFees(h.apiKey, { maker: '0', taker: '0' });
  h.sim.control.setPrice('BTC/USDT', '60000');
});

afterAll(async () => {
  await h?.close();
});

const exitsOf = async (entryId: string): Promise<Order[]> =>
  (await h.call('orders.list', { account: 'bn', status: 'all', limit: 100 })).filter((o) => o.parent_id === entryId).sort((a, b) => String(b.role).localeCompare(String(a.role)));
const openOnExchange = () => h.sim.control.orders({ apiKey: h.apiKey, open: true });

describe('exits owed across a kill -9, live on Binance spot', () => {
  it('the restart places the exits the filled entry never got, as one exchange list, once', async () => {
    // the process dies before the exits of the next fill are placed: the fill is journaled, nothing after it
    Object.assign(h.rt.engine.oms, { settleExits: () => new Promise(() => {}) });
    const entry = await h.call('orders.create', {
      account: 'bn',
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      quantity: '0.5',
      client_order_id: 'xc-entry',
      take_profit: { price: '63000' },
      stop_loss: { stop_price: '57000', price: '56900' },
    });
    await until(async () => (await h.call('orders.get', { id: entry.id })).filled_quantity === '0.5', 'the entry filled');
    await h.rt.engine.journal.durable();
    expect(await exitsOf(entry.id)).toEqual([]);
    expect(openOnExchange()).toEqual([]);

    await h.restart();
    await until(async () => (await exitsOf(entry.id)).filter((o) => o.status === 'open').length === 2, 'both exits open after the restart');
    const exits = await exitsOf(entry.id);
    expect(exits.map((o) => [o.role, o.side, o.quantity, o.reduce_only, o.status, o.held_by])).toEqual([
      ['take_profit', 'sell', '0.5', true, 'open', 'venue'],
      ['stop_loss', 'sell', '0.5', true, 'open', 'venue'],
    ]);
    expect(exits[0]!.reject_reason).toMatch(/^placed at restart/);
    expect(openOnExchange().map((o) => [o.clientOrderId, o.origQty]).sort()).toEqual(exits.map((o) => [o.client_order_id, '0.5']).sort());

    await h.restart();
    await new Promise((r) => setTimeout(r, 500));
    expect((await exitsOf(entry.id)).map((o) => [o.id, o.status])).toEqual(exits.map((o) => [o.id, 'open']));
    expect(openOnExchange()).toHaveLength(2);
  });
});
