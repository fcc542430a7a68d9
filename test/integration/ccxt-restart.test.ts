/**
 * Tern restarts while orders are open on the exchange: its state comes back
 * from the store, then reconciliation brings it to what the exchange did
 * meanwhile (fills, cancels, orders placed elsewhere).
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointCcxtAtSim } from '../../tools/exchange-sim/index.js';
import { expectConsistent, startSimTern, type SimTern } from '../venues/ccxt/sim-harness.js';

/** the same exchange account, used from outside Tern (another app, the exchange's website) */
async function outsider(h: SimTern) {
  const ex = new ccxt.binance({ apiKey: h.apiKey, secret: h.secret, timeout: 2000 });
  await pointCcxtAtSim(ex, h.sim.url);
  await ex.loadMarkets();
  return ex;
}

describe('a restart with orders open on the exchange', () => {
  let h: SimTern;
  beforeAll(async () => {
    h = await startSimTern();
    h.sim.control.setPrice('ETH/USDT', '3000');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('rebuilds the orders from the store, then applies what happened on the exchange while Tern was down', async () => {
    const place = (id: string, price: string) =>
      h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.5', price, client_order_id: id });
    await place('r-fill', '2900');
    await place('r-cancel', '2800');
    await place('r-keep', '2700');
    await place('r-part', '2600');
    await h.rt.close();

    // meanwhile, on the exchange
    h.sim.control.fillOrder({ clientOrderId: 'r-fill' });
    h.sim.control.fillOrder({ clientOrderId: 'r-part' }, { qty: '0.2' });
    const ex = await outsider(h);
    await ex.cancelOrder(undefined as unknown as string, 'ETH/USDT', { clientOrderId: 'r-cancel' });
    await ex.createOrder('ETH/USDT', 'limit', 'sell', 0.3, 3300, { clientOrderId: 'web-123' });

    await h.restart();
    const byId = async (id: string) => h.call('orders.get', { id });
    expect(await byId('r-fill')).toMatchObject({ status: 'filled', filled_quantity: '0.5' });
    expect(await byId('r-cancel')).toMatchObject({ status: 'canceled' });
    expect(await byId('r-keep')).toMatchObject({ status: 'open' });
    expect(await byId('r-part')).toMatchObject({ status: 'partially_filled', filled_quantity: '0.2' });
    const external = await byId('web-123');
    expect(external).toMatchObject({ status: 'open', side: 'sell', quantity: '0.3', price: '3300' });
    expect(external.id).toMatch(/^ext-/);
    const eth = (await h.call('balances.list', { account: 'bn' })).find((b) => b.asset === 'ETH')!;
    expect(Number(eth.total)).toBeCloseTo(20 + 0.7 * 0.999, 10);
    // and the order placed elsewhere is now Tern's to manage
    expect((await h.call('orders.cancel', { id: 'web-123' })).status).toBe('canceled');
    await expectConsistent(h);
    await ex.close();
  });

  it('an order whose answer was lost before the restart is found by its client id and is open', async () => {
    h.sim.control.addFault({ kind: 'drop-response', mode: 'reset', endpoint: 'POST /api/v3/order', times: 1 });
    h.sim.control.addWsFault({ kind: 'drop-message', target: 'user', match: 'executionReport', times: 1 });
    const err = await h
      .call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2500', client_order_id: 'r-lost' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((await h.call('orders.get', { id: 'r-lost' })).status).toBe('pending');
    await h.restart();
    expect((await h.call('orders.get', { id: 'r-lost' })).status).toBe('open');
    expect(h.sim.control.orderSubmissions('r-lost')).toBe(1);
    await expectConsistent(h);
  });
});

describe('auto-cancel of orders placed outside Tern', () => {
  it('cancels an open order Tern did not place instead of adopting it', async () => {
    const h = await startSimTern({ reconcile: { intervalMs: 0, debounceMs: 10, autoCancelExternal: true } });
    try {
      h.sim.control.setPrice('ETH/USDT', '3000');
      const ex = await outsider(h);
      await ex.createOrder('ETH/USDT', 'limit', 'buy', 0.2, 2500, { clientOrderId: 'web-456' });
      const r = await h.call('reconcile.run', { account: 'bn' });
      expect(r.fixed).toEqual([expect.objectContaining({ kind: 'external_canceled', client_order_id: 'web-456' })]);
      expect(h.sim.control.order({ clientOrderId: 'web-456' })!.status).toBe('CANCELED');
      expect(await h.call('orders.list', { account: 'bn', status: 'all' })).toEqual([]);
      await ex.close();
    } finally {
      await h.close();
    }
  });
});
