/**
 * What the exchange said reaches the caller (the loopback simulator, the real
 * ccxt binance classes): a refusal the exchange made for certain (429 before
 * processing, a 4xx) settles the order at once, and a retry with the same
 * client id answers that order; every error of a venue call is a typed error
 * with the venue's words, never a bare INTERNAL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResultOf } from '../../src-common/contract/methods.js';
import { TernError } from '../../src-common/contract/errors.js';
import { expectConsistent, FAST, startSimTern, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;
let n = 0;

beforeAll(async () => {
  // no test here waits on a timeout: a long one keeps a loaded machine from turning a refusal into "no answer"
  h = await startSimTern({ tuning: { ...FAST, timeoutMs: 5000 } });
  h.sim.control.setPrice('BTC/USDT', '60000');
  h.sim.control.setPrice('ETH/USDT', '3000');
});

afterEach(async () => {
  h.sim.control.clearFaults();
  h.sim.control.setClockOffset(0);
  await expectConsistent(h);
});

afterAll(async () => {
  await h?.close();
});

type Order = ResultOf<'orders.create'>;
const get = (id: string) => h.call('orders.get', { id });

function params(id: string, quantity = '0.1', price = '2900') {
  return { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity, price, client_order_id: id } as const;
}

async function failure(p: Promise<unknown>): Promise<TernError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'the call fails').toBeInstanceOf(TernError);
  return e as TernError;
}

const newOrderPosts = (id: string) => h.sim.control.requests('POST /api/v3/order').filter((r) => r.params['newClientOrderId'] === id).length;

describe('placement refused by the exchange for certain', () => {
  it("429: RATE_LIMITED naming the order, which is rejected at once with the reason; the same client id answers it and nothing is sent again", async () => {
    const id = `e-${++n}`;
    h.sim.control.addFault({ kind: 'status', status: 429, retryAfter: 2, endpoint: 'POST /api/v3/order', times: 1 });
    const e = await failure(h.call('orders.create', params(id)));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.message).toMatch(/rate limit/);
    expect(e.message).toContain(id);
    expect(e.details).toMatchObject({ client_order_id: id, status: 'rejected', venue_code: -1003, http_status: 429 });
    expect(e.details!['retry_after_s']).toBeGreaterThanOrEqual(1);

    // settled at once, with no reconciliation in between
    const now = await get(id);
    expect(now.status).toBe('rejected');
    expect(now.reject_reason).toMatch(/rate limit/);
    expect(now.reject_reason).toMatch(/new client_order_id/);
    expect(now.id).toBe(e.details!['order_id']);

    const again = await h.call('orders.create', params(id));
    expect(again).toMatchObject({ id: now.id, status: 'rejected', reject_reason: now.reject_reason });
    expect(newOrderPosts(id)).toBe(1);
    expect(h.sim.control.orders({ clientOrderId: id })).toEqual([]);
  });

  it('a 400 from a gateway (no exchange code): rejected at once with the HTTP status, never left pending', async () => {
    const id = `e-${++n}`;
    h.sim.control.addFault({ kind: 'status', status: 400, endpoint: 'POST /api/v3/order', times: 1 });
    const o = (await h.call('orders.create', params(id))) as Order;
    expect(o.status).toBe('rejected');
    expect(o.reject_reason).toMatch(/400/);
    const again = await h.call('orders.create', params(id));
    expect(again).toMatchObject({ id: o.id, status: 'rejected', reject_reason: o.reject_reason });
    expect(newOrderPosts(id)).toBe(1);
  });

  it("insufficient funds: rejected at once with the exchange's reason; the same client id answers it", async () => {
    const id = `e-${++n}`;
    const o = (await h.call('orders.create', params(id, '100'))) as Order;
    expect(o.status).toBe('rejected');
    expect(o.reject_reason).toMatch(/insufficient/i);
    expect(await h.call('orders.create', params(id, '100'))).toMatchObject({ id: o.id, status: 'rejected' });
    expect(newOrderPosts(id)).toBe(1);
  });

  it('a 503 stays ambiguous (the exchange may have placed it): pending with VENUE_UNAVAILABLE, never re-sent, settled by reconciliation', async () => {
    const id = `e-${++n}`;
    h.sim.control.addFault({ kind: 'status', status: 503, process: true, endpoint: 'POST /api/v3/order', times: 1 });
    const e = await failure(h.call('orders.create', params(id)));
    expect(e.code).toBe('VENUE_UNAVAILABLE');
    expect(e.details).toMatchObject({ http_status: 503 });
    // pending until the websocket or reconciliation says what happened; the same client id answers that order
    expect(['pending', 'open']).toContain((await get(id)).status);
    expect((await h.call('orders.create', params(id))).id).toBe((await get(id)).id);
    await h.call('reconcile.run', { account: 'bn' });
    expect((await get(id)).status).toBe('open');
    expect(newOrderPosts(id)).toBe(1);
    await h.call('orders.cancel', { id });
  });

  it('rejections are journaled: they survive a restart with their reasons', async () => {
    const before = (await h.call('orders.list', { account: 'bn', status: 'all', limit: 100 })).filter((o) => o.status === 'rejected');
    expect(before.length).toBeGreaterThanOrEqual(3);
    await h.restart();
    for (const o of before) expect(await get(o.id)).toMatchObject({ status: 'rejected', reject_reason: o.reject_reason });
  });
});

describe('cancel and amend refused by the exchange for certain', () => {
  it('429 on a cancel: RATE_LIMITED and the order is open again at once (the exchange did nothing)', async () => {
    const id = `e-${++n}`;
    await h.call('orders.create', params(id, '0.1', '2700'));
    h.sim.control.addFault({ kind: 'status', status: 429, endpoint: 'DELETE /api/v3/order', times: 1 });
    const e = await failure(h.call('orders.cancel', { id }));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details).toMatchObject({ venue_code: -1003 });
    expect((await get(id)).status).toBe('open');
    expect((await h.call('orders.cancel', { id })).status).toBe('canceled');
  });

  it('429 on an amendment: RATE_LIMITED and the order keeps its price at once', async () => {
    const id = `e-${++n}`;
    await h.call('orders.create', params(id, '0.1', '2701'));
    h.sim.control.addFault({ kind: 'status', status: 429, endpoint: 'POST /api/v3/order/cancelReplace', times: 1 });
    const e = await failure(h.call('orders.amend', { id, price: '2702' }));
    expect(e.code).toBe('RATE_LIMITED');
    const o = await get(id);
    expect(o).toMatchObject({ status: 'open', price: '2701' });
    await h.call('orders.cancel', { id });
  });
});

describe("the local clock ahead of the exchange's (-1021)", () => {
  it('reconcile answers VENUE_UNAVAILABLE naming -1021 and the clock, not INTERNAL', async () => {
    h.sim.control.setClockOffset(-20_000);
    const e = await failure(h.call('reconcile.run', { account: 'bn' }));
    expect(e.code).toBe('VENUE_UNAVAILABLE');
    expect(e.message).toMatch(/clock/);
    expect(e.message).toContain('-1021');
    expect(e.details).toMatchObject({ account: 'bn', venue_code: -1021 });
    expect(String(e.details!['venue_message'])).toMatch(/Timestamp/);
  });

  it('the same for reconciling every account', async () => {
    h.sim.control.setClockOffset(-20_000);
    const e = await failure(h.call('reconcile.run', {}));
    expect(e.code).toBe('VENUE_UNAVAILABLE');
    expect(e.details).toMatchObject({ venue_code: -1021 });
  });

  it('cancel, amend and cancel-all say so too; the order stays open', async () => {
    const id = `e-${++n}`;
    await h.call('orders.create', params(id, '0.1', '2703'));
    h.sim.control.setClockOffset(-20_000);
    const c = await failure(h.call('orders.cancel', { id }));
    expect(c.code).toBe('VENUE_UNAVAILABLE');
    expect(c.details).toMatchObject({ venue_code: -1021 });
    const a = await failure(h.call('orders.amend', { id, price: '2704' }));
    expect(a.code).toBe('VENUE_UNAVAILABLE');
    expect(a.details).toMatchObject({ venue_code: -1021 });
    const all = await h.call('orders.cancelAll', { account: 'bn' });
    expect(all.canceled).toEqual([]);
    const oid = (await get(id)).id;
    const failed = all.failed.find((f) => f.id === oid);
    expect(failed?.error).toMatchObject({ code: 'VENUE_UNAVAILABLE', details: { venue_code: -1021 } });
    expect(await get(id)).toMatchObject({ status: 'open', price: '2703' });
    h.sim.control.setClockOffset(0);
    await h.call('orders.cancel', { id });
  });

  it('placement: the order is rejected at once with the reason naming the clock', async () => {
    const id = `e-${++n}`;
    h.sim.control.setClockOffset(-20_000);
    const o = (await h.call('orders.create', params(id))) as Order;
    expect(o.status).toBe('rejected');
    expect(o.reject_reason).toMatch(/clock/);
    expect(o.reject_reason).toContain('-1021');
  });
});
