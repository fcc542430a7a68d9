/**
 * An exchange that refuses or fails Tern (the loopback simulator, the real
 * ccxt classes) never takes the process down, and the account's status says
 * what is wrong: a refused API key, a clock ahead of the exchange, failing
 * REST, a private stream down, orders reconciliation could not settle; and
 * an exchange down when Tern starts is used again once it is back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src-common/contract/schemas.js';
import { restClient } from '../tools/exchange-sim/helpers.js';
import { FAST, expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

/** every rejection no code handled while a test runs (each one would end a Node process without a guard) */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => {
  expect(unhandled.map(String)).toEqual([]);
});

const account = async (h: SimTern, id = 'bn'): Promise<Account> => (await h.call('accounts.list', {})).find((a) => a.id === id)!;
const statusIs = (h: SimTern, status: string, reason?: RegExp, id = 'bn', ms = 5000) =>
  until(
    async () => {
      const a = await account(h, id);
      return a.status === status && (!reason || reason.test(a.reason ?? ''));
    },
    `account ${id} ${status} ${reason ?? ''}`,
    ms,
  );

describe('an exchange that refuses the account', () => {
  let h: SimTern;
  beforeAll(async () => {
    // no request times out here even on a loaded machine: the key's refusal is what the first answer says
    h = await startSimTern({ account: false, tuning: { ...FAST, timeoutMs: 5000 } });
    h.sim.control.setPrice('ETH/USDT', '3000');
  });
  afterEach(() => h.sim.control.setClockOffset(0));
  afterAll(async () => {
    await h?.close();
  });

  it('a refused API key: the account is added with status error and the reason; it can be removed and added again with a good key', async () => {
    const added = await h.call('accounts.create', { id: 'bn', exchange: 'binance', mode: 'live', api_key: 'not-a-key', secret: 'nope', base_url: h.sim.url });
    expect(added).toMatchObject({ id: 'bn', status: 'error', reason: expect.stringMatching(/^the exchange refused the API key: .*Invalid API-key/) });
    // the private streams were refused too, and the rest of Tern works
    await until(() => h.logs.some((l) => l.includes('private stream failed')), 'the refused private stream');
    expect((await h.call('health', {})).status).toBe('ok');
    expect(await account(h)).toMatchObject({ status: 'error', reason: expect.stringMatching(/refused the API key/) });

    expect(await h.call('accounts.delete', { id: 'bn' })).toMatchObject({ status: 'deleted' });
    const fixed = await h.call('accounts.create', { id: 'bn', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url });
    expect(fixed).toMatchObject({ id: 'bn', status: 'active', reason: null });
    const o = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2900' });
    expect(o.status).toBe('open');
    await h.call('orders.cancel', { id: o.id });
  });

  it('a clock 20 s ahead of the exchange: status error "clock ahead of the exchange by 20 s" while it lasts, active once the clocks agree', async () => {
    h.sim.control.setClockOffset(-20_000);
    // the user-data subscription is signed: resubscribing with the skewed clock is refused (-1021) too
    h.sim.control.dropWebSockets('user');
    await h.call('reconcile.run', { account: 'bn' }).catch(() => {});
    await statusIs(h, 'error', /^clock ahead of the exchange by 20 s/);
    expect(h.sim.control.wsSubscriptions().filter((s) => s.startsWith('userData:'))).toEqual([]);
    expect((await h.call('health', {})).status).toBe('ok');

    h.sim.control.setClockOffset(0);
    // the venue checks the exchange again by itself; the private stream counts as back once its watch holds for the timeout
    await statusIs(h, 'active', undefined, 'bn', 15_000);
    await expectConsistent(h);
  });
});

describe('an exchange that fails requests or streams', () => {
  let h: SimTern;
  beforeAll(async () => {
    h = await startSimTern();
    h.sim.control.setPrice('ETH/USDT', '3000');
  });
  afterEach(() => {
    h.sim.control.clearFaults();
    h.sim.control.refuseWebSockets(0);
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const [what, fault, reason] of [
    ['503s', { kind: 'status', status: 503 }, /requests to the exchange fail: the exchange is not available/],
    ['429s', { kind: 'status', status: 429, retryAfter: 1 }, /requests to the exchange fail: the exchange's rate limit was hit/],
    ['timeouts', { kind: 'timeout' }, /requests to the exchange fail: the exchange did not answer in time/],
  ] as const) {
    it(`REST ${what}: degraded with the reason, active again once requests are answered, and the order sent meanwhile settles`, async () => {
      h.sim.control.addFault(fault);
      const placed = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2900', client_order_id: `rest-${what}` }).catch((e: unknown) => e);
      expect(placed).toMatchObject({ code: expect.stringMatching(/VENUE_UNAVAILABLE|RATE_LIMITED|INVALID_ORDER|REJECTED/) });
      await statusIs(h, 'degraded', reason);
      h.sim.control.clearFaults();
      await statusIs(h, 'active');
      // reconciliation (on its timer in the app) settles the order the fault left pending
      await until(async () => {
        if ((await h.call('orders.get', { id: `rest-${what}` })).status !== 'pending') return true;
        await h.call('reconcile.run', { account: 'bn' });
        return false;
      }, 'the order settled', 6000);
      await expectConsistent(h);
    });
  }

  it('the private streams down and refused: degraded (polling over REST) while orders still fill; active once they are back', async () => {
    h.sim.control.refuseWebSockets(Infinity);
    h.sim.control.dropWebSockets('user');
    await statusIs(h, 'degraded', /private (orders|trades|balance) stream failed .*; polling the exchange over REST/);
    const o = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2900', client_order_id: 'while-polling' });
    h.sim.control.fillOrder({ clientOrderId: 'while-polling' });
    await until(async () => (await h.call('orders.get', { id: o.id })).status === 'filled', 'the fill, by polling');
    h.sim.control.refuseWebSockets(0);
    await until(async () => !/stream failed/.test((await account(h)).reason ?? ''), 'the streams back', 10_000);
    expect(['active', 'disconnected', 'stale']).toContain((await account(h)).status); // market data may still be reconnecting
    await expectConsistent(h);
  }, 15_000);

  it('orders reconciliation cannot settle: "N orders unresolved after reconciliation" until they are', async () => {
    const o = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2800', client_order_id: 'reused-id' });
    await h.call('orders.cancel', { id: o.id });
    // someone places an order with the same client id on the exchange, outside Tern
    const outside = await restClient(h.sim, h.apiKey, h.secret);
    const ext = await outside.createOrder('ETH/USDT', 'limit', 'buy', 0.1, 2800, { clientOrderId: 'reused-id' });
    const result = await h.call('reconcile.run', { account: 'bn' });
    expect(result.unresolved).toHaveLength(1);
    expect(await account(h)).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/^1 order unresolved after reconciliation/) });
    await outside.cancelOrder(ext.id!, 'ETH/USDT');
    await h.call('reconcile.run', { account: 'bn' });
    expect((await account(h)).reason ?? '').not.toMatch(/unresolved/);
  });
});

describe('Tern started while the exchange is down', () => {
  let h: SimTern;
  afterEach(() => {
    h.sim.control.clearFaults();
    h.sim.control.refuseWebSockets(0);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('opens from the cached markets, and once the exchange is back the order sent meanwhile settles and the account is active', async () => {
    h = await startSimTern({ accountRetry: { retryMs: 100, maxRetryMs: 400 } });
    h.sim.control.setPrice('ETH/USDT', '3000');
    h.sim.control.addFault({ kind: 'status', status: 503 });
    await h.restart();
    await statusIs(h, 'degraded', /the exchange is not available/);
    const placed = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2900', client_order_id: 'meanwhile' }).catch((e: unknown) => e);
    expect(placed).toMatchObject({ code: 'VENUE_UNAVAILABLE' });

    h.sim.control.clearFaults();
    // ccxt kept the failed market load: every later call failed with it, and the order stayed pending for good
    await until(async () => (await h.call('orders.get', { id: 'meanwhile' })).status !== 'pending', 'the order settled', 6000);
    await statusIs(h, 'active');
    const again = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2900' });
    expect(again.status).toBe('open');
    await h.call('orders.cancel', { id: again.id });
    await expectConsistent(h);
  });

  it('starts when the exchange refuses websockets, trades over REST, and streams once they are accepted', async () => {
    h.sim.control.refuseWebSockets(Infinity);
    await h.restart();
    await statusIs(h, 'degraded', /polling the exchange over REST/);
    const o = await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2900' });
    expect(o.status).toBe('open');
    h.sim.control.refuseWebSockets(0);
    await until(async () => !/stream failed/.test((await account(h)).reason ?? ''), 'the streams', 10_000);
    await h.call('orders.cancel', { id: o.id });
    await expectConsistent(h);
  }, 15_000);
});

