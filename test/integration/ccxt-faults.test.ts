/**
 * Faults between Tern and the exchange (the loopback simulator, driven by the
 * real ccxt binance classes): whatever goes wrong on the wire, every order
 * ends in a definite state after reconciliation, no order is sent twice, and
 * positions equal fills.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResultOf } from '../../src-common/contract/methods.js';
import { expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;
let n = 0;

beforeAll(async () => {
  h = await startSimTern();
  h.sim.control.setPrice('BTC/USDT', '60000');
  h.sim.control.setPrice('ETH/USDT', '3000');
});

afterEach(async () => {
  h.sim.control.clearFaults();
  await expectConsistent(h);
});

afterAll(async () => {
  await h?.close();
});

type Order = ResultOf<'orders.create'>;
const get = (id: string) => h.call('orders.get', { id });

/** places a resting ETH buy under whatever fault is set; resolves with the order or the error */
async function place(price = '2900', quantity = '0.1'): Promise<{ id: string; result: Order | Error }> {
  const id = `f-${++n}`;
  const result = await h
    .call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity, price, client_order_id: id })
    .catch((e: unknown) => e as Error);
  return { id, result };
}

/** reconciles until the order is in a definite state (open or final), and returns it */
async function settled(id: string, ms = 6000): Promise<Order> {
  await until(
    async () => {
      const o = await get(id);
      if (o.status !== 'pending') return true;
      await h.call('reconcile.run', { account: 'bn' });
      return false;
    },
    `order ${id} definite`,
    ms,
  );
  return get(id);
}

describe('REST faults on placing an order', () => {
  it('added latency: the answer comes late, the order is open, sent once', async () => {
    h.sim.control.addFault({ kind: 'latency', ms: 300, endpoint: 'POST /api/v3/order', times: 1 });
    const { id, result } = await place();
    expect((result as Order).status).toBe('open');
    expect(h.sim.control.orderSubmissions(id)).toBe(1);
  });

  it('429: RATE_LIMITED, and rejected at once (the exchange refused it before processing)', async () => {
    h.sim.control.addFault({ kind: 'status', status: 429, retryAfter: 1, endpoint: 'POST /api/v3/order', times: 1 });
    const { id, result } = await place();
    expect((result as { code?: string }).code).toBe('RATE_LIMITED');
    expect((await get(id)).status).toBe('rejected');
    expect(h.sim.control.orders({ clientOrderId: id })).toEqual([]);
  });

  it('502 after the exchange placed the order: pending, then open once reconciliation finds it', async () => {
    h.sim.control.addFault({ kind: 'status', status: 502, process: true, endpoint: 'POST /api/v3/order', times: 1 });
    const { id, result } = await place();
    expect((result as { code?: string }).code).toBe('VENUE_UNAVAILABLE');
    expect((await settled(id)).status).toBe('open');
    expect(h.sim.control.orderSubmissions(id)).toBe(1);
  });

  it('503 before processing: pending, then rejected', async () => {
    h.sim.control.addFault({ kind: 'status', status: 503, endpoint: 'POST /api/v3/order', times: 1 });
    const { id } = await place();
    expect((await settled(id)).status).toBe('rejected');
  });

  it('a request never answered (timeout): pending, then rejected once the grace period is over; never re-sent', async () => {
    h.sim.control.addFault({ kind: 'timeout', endpoint: 'POST /api/v3/order', times: 1 });
    const { id, result } = await place();
    expect((result as { code?: string }).code).toBe('VENUE_UNAVAILABLE');
    expect((await get(id)).status).toBe('pending');
    expect((await settled(id)).status).toBe('rejected');
    expect(h.sim.control.orderSubmissions(id)).toBe(1);
  });

  it('accepted but the answer dropped (connection reset): the order is open, found by its client id', async () => {
    h.sim.control.addFault({ kind: 'drop-response', mode: 'reset', endpoint: 'POST /api/v3/order', times: 1 });
    const { id } = await place();
    expect((await settled(id)).status).toBe('open');
    expect(h.sim.control.orderSubmissions(id)).toBe(1);
  });

  it('accepted but the answer never comes (hang): open after reconciliation, sent once', async () => {
    h.sim.control.addFault({ kind: 'drop-response', mode: 'hang', endpoint: 'POST /api/v3/order', times: 1 });
    const { id } = await place();
    expect((await settled(id)).status).toBe('open');
    expect(h.sim.control.orderSubmissions(id)).toBe(1);
  });

  it('a fill while the answer was lost is applied once (from the websocket or reconciliation)', async () => {
    h.sim.control.addFault({ kind: 'drop-response', mode: 'reset', endpoint: 'POST /api/v3/order', times: 1 });
    const { id } = await place('3000.5', '0.2'); // crosses the ask: fills at once
    const o = await settled(id);
    expect(o.status).toBe('filled');
    expect(o.filled_quantity).toBe('0.2');
  });
});

describe('REST faults on cancel and amend', () => {
  it('a cancel whose answer is lost: canceled all the same, from the websocket or reconciliation', async () => {
    const { id } = await place('2800');
    h.sim.control.addFault({ kind: 'drop-response', mode: 'reset', endpoint: 'DELETE /api/v3/order', times: 1 });
    await h.call('orders.cancel', { id }).catch(() => undefined);
    await until(async () => (await get(id)).status === 'canceled' || ((await h.call('reconcile.run', { account: 'bn' })) && false), 'canceled');
    expect(h.sim.control.order({ clientOrderId: id })!.status).toBe('CANCELED');
  });

  it('a cancel that times out before reaching the exchange: the order is open again after reconciliation', async () => {
    const { id } = await place('2801');
    h.sim.control.addFault({ kind: 'timeout', endpoint: 'DELETE /api/v3/order', times: 1 });
    await h.call('orders.cancel', { id }).catch(() => undefined);
    await h.call('reconcile.run', { account: 'bn' });
    expect((await get(id)).status).toBe('open');
    await h.call('orders.cancel', { id });
  });

  it('an amendment whose answer is lost: reconciliation finds the replacement and takes its price and quantity', async () => {
    const { id } = await place('2802', '0.1');
    h.sim.control.addFault({ kind: 'drop-response', mode: 'reset', endpoint: 'POST /api/v3/order/cancelReplace', times: 1 });
    await h.call('orders.amend', { id, price: '2803', quantity: '0.3' }).catch(() => undefined);
    await h.call('reconcile.run', { account: 'bn' });
    expect(await get(id)).toMatchObject({ status: 'open', price: '2803', quantity: '0.3' });
    await h.call('orders.cancel', { id });
    expect(h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: id, open: true })).toEqual([]);
  });

  it('an amendment that never reached the exchange: the order keeps its price and quantity', async () => {
    const { id } = await place('2804', '0.1');
    h.sim.control.addFault({ kind: 'status', status: 503, endpoint: 'POST /api/v3/order/cancelReplace', times: 1 });
    await h.call('orders.amend', { id, price: '2805' }).catch(() => undefined);
    await h.call('reconcile.run', { account: 'bn' });
    expect(await get(id)).toMatchObject({ status: 'open', price: '2804', quantity: '0.1' });
    await h.call('orders.cancel', { id });
  });
});

describe('websocket faults', () => {
  it('a dropped user-data connection: fills made meanwhile arrive through polling and reconciliation after it reconnects', async () => {
    const { id } = await place('2950', '0.2');
    h.sim.control.dropWebSockets('user');
    h.sim.control.fillOrder({ clientOrderId: id }, { qty: '0.05' });
    h.sim.control.setPrice('ETH/USDT', '2940');
    await until(async () => (await get(id)).status === 'filled', 'filled after the drop', 8000);
    h.sim.control.setPrice('ETH/USDT', '3000');
    await until(() => h.sim.control.wsSubscriptions().some((s) => s.startsWith('userData:')), 'resubscribed', 8000);
  });

  it('duplicated executionReports: each fill is applied once', async () => {
    const { id } = await place('2960', '0.2');
    h.sim.control.addWsFault({ kind: 'duplicate', target: 'user', match: 'executionReport', times: 10 });
    h.sim.control.fillOrder({ clientOrderId: id }, { qty: '0.1' });
    h.sim.control.fillOrder({ clientOrderId: id }, { qty: '0.1' });
    await until(async () => (await get(id)).status === 'filled', 'filled');
    await new Promise((r) => setTimeout(r, 100));
    const fills = (await h.call('fills.list', { account: 'bn' })).filter((f) => f.client_order_id === id);
    expect(fills).toHaveLength(2);
  });

  it('out-of-order executionReports (a fill after the cancel): the fill counts, then the order is canceled', async () => {
    const { id } = await place('2970', '0.2');
    h.sim.control.addWsFault({ kind: 'reorder', target: 'user', match: 'executionReport', times: 1 });
    h.sim.control.fillOrder({ clientOrderId: id }, { qty: '0.05' });
    await h.call('orders.cancel', { id });
    await until(async () => (await get(id)).status === 'canceled', 'canceled');
    expect(await get(id)).toMatchObject({ filled_quantity: '0.05' });
  });

  it('a lost executionReport (missed fill): reconciliation applies it', async () => {
    const { id } = await place('2980', '0.2');
    h.sim.control.addWsFault({ kind: 'drop-message', target: 'user', match: 'executionReport', times: 1 });
    h.sim.control.fillOrder({ clientOrderId: id }, { qty: '0.07' });
    await new Promise((r) => setTimeout(r, 100));
    const r = await h.call('reconcile.run', { account: 'bn' });
    expect(r.fixed.filter((f) => f.kind === 'fill_applied' && f.client_order_id === id)).toHaveLength(1);
    expect(await get(id)).toMatchObject({ status: 'partially_filled', filled_quantity: '0.07' });
    await h.call('orders.cancel', { id });
  });
});
