import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TernError } from '../../../src-common/contract/errors.js';
import { expectConsistent, startSimTern, until, type SimTern } from './sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern();
  h.sim.control.setPrice('BTC/USDT', '60000');
  h.sim.control.setPrice('ETH/USDT', '3000');
});

afterEach(() => h.sim.control.clearFaults());

afterAll(async () => {
  await h?.close();
});

const order = (id: string) => h.call('orders.get', { id });
const statusIs = (id: string, status: string) => until(async () => (await order(id)).status === status, `order ${id} ${status}`);

describe('CcxtVenue against the exchange simulator (the real ccxt binance classes)', () => {
  it('opening a live account loads the exchange instruments with their filters and the balances from the exchange', async () => {
    const instruments = await h.call('instruments.list', { account: 'bn' });
    expect(instruments.find((i) => i.symbol === 'BTC/USDT')).toMatchObject({ base: 'BTC', quote: 'USDT', price_increment: '0.01', size_increment: '0.00001' });
    const balances = await h.call('balances.list', { account: 'bn' });
    expect(balances.find((b) => b.asset === 'USDT')).toMatchObject({ total: '100000', locked: '0' });
    expect(balances.find((b) => b.asset === 'BTC')).toMatchObject({ total: '2' });
  });

  it("a limit order carries Tern's client order id in Binance's newClientOrderId and is open once the exchange acknowledges it", async () => {
    const o = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.01', price: '59000', client_order_id: 'v-limit-1' });
    expect(o.status).toBe('open');
    expect(h.sim.control.requests('POST /api/v3/order').at(-1)!.params['newClientOrderId']).toBe('v-limit-1');
    expect(h.sim.control.orderSubmissions('v-limit-1')).toBe(1);
    expect(h.sim.control.order({ clientOrderId: 'v-limit-1' })).toMatchObject({ status: 'NEW', price: '59000', origQty: '0.01' });
    // the exchange's balance update arrives over the websocket
    await until(async () => (await h.call('balances.list', { account: 'bn' })).find((b) => b.asset === 'USDT')?.locked === '590', 'USDT locked');
  });

  it('a price move through the resting order fills it over the websocket: one fill, the position equals it', async () => {
    h.sim.control.setPrice('BTC/USDT', '58900');
    await statusIs('v-limit-1', 'filled');
    const fills = (await h.call('fills.list', { account: 'bn' })).filter((f) => f.client_order_id === 'v-limit-1');
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ quantity: '0.01', price: '59000', liquidity: 'maker', fee_asset: 'BTC', fee: '0.00001' });
    await until(async () => (await h.call('balances.list', { account: 'bn' })).find((b) => b.asset === 'BTC')?.total === '2.00999', 'BTC credited');
    await expectConsistent(h);
  });

  it('an amendment is one cancelReplace that keeps the client order id; the new exchange order has the new price and quantity', async () => {
    h.sim.control.setPrice('ETH/USDT', '3000');
    await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'sell', type: 'limit', quantity: '1', price: '3100', client_order_id: 'v-amend-1' });
    const amended = await h.call('orders.amend', { id: 'v-amend-1', price: '3150', quantity: '2' });
    expect(amended).toMatchObject({ status: 'open', price: '3150', quantity: '2' });
    expect(h.sim.control.requestCount('POST /api/v3/order/cancelReplace')).toBe(1);
    const legs = h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'v-amend-1' });
    expect(legs.map((l) => [l.status, l.price, l.origQty])).toEqual([
      ['CANCELED', '3100', '1'],
      ['NEW', '3150', '2'],
    ]);
    // the replaced order's cancel (reported over the websocket too) does not cancel Tern's order
    await new Promise((r) => setTimeout(r, 100));
    expect((await order('v-amend-1')).status).toBe('open');
  });

  it("a waiting stop's trigger is amended (stop_price) by one cancelReplace that carries the new stopPrice", async () => {
    h.sim.control.setPrice('ETH/USDT', '3000');
    const stop = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'sell', type: 'stop_limit', quantity: '0.1', stop_price: '2900', price: '2890', client_order_id: 'v-amend-stop' });
    expect(stop).toMatchObject({ held_by: 'venue', status: 'open' });
    const before = h.sim.control.requestCount('POST /api/v3/order/cancelReplace');
    expect(await h.call('orders.amend', { id: 'v-amend-stop', stop_price: '2950' })).toMatchObject({ status: 'open', stop_price: '2950', price: '2890' });
    expect(h.sim.control.requestCount('POST /api/v3/order/cancelReplace')).toBe(before + 1);
    const legs = h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'v-amend-stop' });
    expect(legs.map((l) => [l.status, l.type, l.stopPrice, l.price])).toEqual([
      ['CANCELED', 'STOP_LOSS_LIMIT', '2900', '2890'],
      ['NEW', 'STOP_LOSS_LIMIT', '2950', '2890'],
    ]);
    await h.call('orders.cancel', { id: 'v-amend-stop' });
  });

  it('amending a partly filled order sends only the new remainder; fills of both exchange orders belong to the one order', async () => {
    h.sim.control.fillOrder({ clientOrderId: 'v-amend-1' }, { qty: '0.5' });
    await statusIs('v-amend-1', 'partially_filled');
    await h.call('orders.amend', { id: 'v-amend-1', quantity: '3' });
    expect(h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'v-amend-1', open: true })[0]).toMatchObject({ origQty: '2.5', price: '3150' });
    h.sim.control.setPrice('ETH/USDT', '3200');
    await statusIs('v-amend-1', 'filled');
    const o = await order('v-amend-1');
    expect(o).toMatchObject({ filled_quantity: '3', quantity: '3' });
    await expectConsistent(h);
  });

  it('cancel ends the order in Tern and on the exchange, and releases the lock', async () => {
    await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '1', price: '2500', client_order_id: 'v-cancel-1' });
    const canceled = await h.call('orders.cancel', { id: 'v-cancel-1' });
    expect(canceled.status).toBe('canceled');
    expect(h.sim.control.order({ clientOrderId: 'v-cancel-1' })!.status).toBe('CANCELED');
    await until(async () => (await h.call('balances.list', { account: 'bn' })).find((b) => b.asset === 'USDT')?.locked === '0', 'lock released');
  });

  it("a market order fills at once from the answer's fills; the same trades over the websocket are not applied again", async () => {
    const o = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'market', quantity: '0.5', client_order_id: 'v-market-1' });
    expect(o.status).toBe('filled');
    await new Promise((r) => setTimeout(r, 150));
    const fills = (await h.call('fills.list', { account: 'bn' })).filter((f) => f.client_order_id === 'v-market-1');
    expect(fills.map((f) => f.liquidity)).toEqual(fills.map(() => 'taker'));
    expect(fills.reduce((s, f) => s + Number(f.quantity), 0)).toBeCloseTo(0.5, 12);
    await expectConsistent(h);
  });

  it('a refusal of the exchange rejects the order with its reason: insufficient funds, post-only that would take', async () => {
    const poor = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'sell', type: 'limit', quantity: '50', price: '70000', client_order_id: 'v-poor-1' });
    expect(poor).toMatchObject({ status: 'rejected' });
    expect(poor.reject_reason).toMatch(/insufficient funds/);
    const maker = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.01', price: '65000', post_only: true, client_order_id: 'v-maker-1' });
    expect(maker.status).toBe('rejected');
    expect(maker.reject_reason).toMatch(/post_only|would immediately match|invalid order/i);
  });

  it('a 429 answers RATE_LIMITED and rejects the order at once: the exchange refused it before processing', async () => {
    h.sim.control.addFault({ kind: 'status', status: 429, retryAfter: 1, endpoint: 'POST /api/v3/order', times: 1 });
    const err = await h
      .call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2000', client_order_id: 'v-429-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect((err as TernError).code).toBe('RATE_LIMITED');
    expect(await order('v-429-1')).toMatchObject({ status: 'rejected' });
    expect(h.sim.control.orderSubmissions('v-429-1')).toBe(1);
  });

  it('reconcile.run reports what it compared and that nothing needed fixing', async () => {
    const r = await h.call('reconcile.run', { account: 'bn' });
    expect(r.account).toBe('bn');
    expect(r.checked).toBeGreaterThan(0);
    expect(r.fixed).toEqual([]);
    expect(r.unresolved).toEqual([]);
  });
});
