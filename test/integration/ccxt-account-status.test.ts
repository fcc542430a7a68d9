/**
 * An exchange account's status through the protocol: stale and disconnected
 * market data show in accounts.list and as `accounts` events, and an exchange
 * that is unreachable at start leaves its account in 'error' (retried in the
 * background) instead of stopping Tern from starting.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src-common/contract/schemas.js';
import { FAST, expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

function followAccounts(h: SimTern): Account[] {
  const seen: Account[] = [];
  h.rt.api.subscribe((e) => {
    if (e.kind === 'accounts') seen.push(e.data as Account);
  });
  return seen;
}

const bn = async (h: SimTern) => (await h.call('accounts.list', {})).find((a) => a.id === 'bn')!;

describe("an account's market data status", () => {
  let h: SimTern;
  let events: Account[];
  beforeAll(async () => {
    h = await startSimTern({ tuning: { ...FAST, staleAfterMs: 400 } });
    events = followAccounts(h);
    h.sim.control.setPrice('ETH/USDT', '3000');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is stale after a silence, with the seconds since the last update, and active again on the next update', async () => {
    await h.call('market.ticker', { account: 'bn', symbol: 'ETH/USDT' }); // starts watching
    await until(() => h.sim.control.wsSubscriptions().includes('ethusdt@trade'), 'subscribed');
    h.sim.control.tick('ETH/USDT');
    await until(async () => (await bn(h)).market_data?.symbols.some((s) => s.symbol === 'ETH/USDT' && s.state === 'connected') === true, 'connected');
    expect(await bn(h)).toMatchObject({ status: 'active', reason: null, market_data: { state: 'connected' } });

    await until(async () => (await bn(h)).status === 'stale', 'stale', 5000);
    const stale = await bn(h);
    expect(stale.reason).toMatch(/^no market data for .*ETH\/USDT.* for \d+ s$/);
    const eth = stale.market_data!.symbols.find((s) => s.symbol === 'ETH/USDT')!;
    expect(eth.state).toBe('stale');
    expect(eth.last_update).not.toBeNull();
    expect(eth.seconds_since_update).toBeGreaterThanOrEqual(0);
    expect(events.at(-1)).toMatchObject({ id: 'bn', status: 'stale' });

    h.sim.control.tick('ETH/USDT');
    h.sim.control.tick('BTC/USDT');
    await until(async () => (await bn(h)).status === 'active', 'active again');
    await until(() => events.at(-1)?.status === 'active', 'an event saying so');
  });

  it('is disconnected while the websockets are down and refused, and active once they are back and data flows', async () => {
    events.length = 0;
    h.sim.control.refuseWebSockets(4);
    expect(h.sim.control.dropWebSockets('market')).toBeGreaterThan(0);
    await until(async () => (await bn(h)).status === 'disconnected', 'disconnected');
    const down = await bn(h);
    expect(down.reason).toMatch(/reconnecting/);
    expect(down.market_data!.state).toBe('reconnecting');
    expect(events.map((e) => e.status)).toContain('disconnected');

    await until(() => h.sim.control.wsSubscriptions().includes('ethusdt@trade'), 'resubscribed', 15_000);
    await until(
      async () => {
        h.sim.control.tick('ETH/USDT');
        h.sim.control.tick('BTC/USDT');
        return (await bn(h)).status === 'active';
      },
      'active after the reconnect',
      10_000,
    );
    expect(events.at(-1)).toMatchObject({ id: 'bn', status: 'active' });
  }, 30_000);
});

describe('an exchange unreachable at start', () => {
  let h: SimTern;
  afterEach(() => h?.sim.control.clearFaults());
  afterAll(async () => {
    await h?.close();
  });

  it('Tern starts anyway, the account shows error with the reason and is retried until it opens, then it is reconciled', async () => {
    h = await startSimTern({ accountRetry: { retryMs: 100, maxRetryMs: 400 } });
    h.sim.control.setPrice('ETH/USDT', '3000');
    await h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.5', price: '2900', client_order_id: 'while-down' });
    await h.rt.close();

    // no cached instruments to open from, the exchange down, and a fill there meanwhile
    const db = new Database(join(h.dataDir, 'tern.db'));
    db.prepare('DELETE FROM market_instruments').run();
    db.close();
    h.sim.control.addFault({ kind: 'status', status: 503 });
    h.sim.control.fillOrder({ clientOrderId: 'while-down' });

    await h.restart();
    const events = followAccounts(h);
    const accounts = await h.call('accounts.list', {});
    expect(accounts.find((a) => a.id === 'paper')).toMatchObject({ status: 'active' });
    const down = accounts.find((a) => a.id === 'bn')!;
    expect(down).toMatchObject({ id: 'bn', exchange: 'binance', mode: 'live', status: 'error' });
    expect(down.reason).toMatch(/markets of binance@.* could not be loaded: the exchange is not available/);
    // requests to it say why; the rest of Tern works
    await expect(h.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2000' })).rejects.toMatchObject({
      code: 'VENUE_UNAVAILABLE',
      message: expect.stringMatching(/account bn is not open: .*retries it/),
    });
    await expect(h.call('market.ticker', { account: 'bn', symbol: 'ETH/USDT' })).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });
    expect((await h.call('orders.get', { id: 'while-down' })).status).toBe('open');
    const tries = h.sim.control.requestCount('GET /api/v3/exchangeInfo');
    await until(() => h.sim.control.requestCount('GET /api/v3/exchangeInfo') > tries, 'a retry');
    expect((await bn(h)).status).toBe('error');

    h.sim.control.clearFaults();
    await until(async () => (await bn(h)).status === 'active', 'the account to open', 5000);
    expect(events.filter((e) => e.id === 'bn').at(-1)).toMatchObject({ status: 'active' });
    // reconciliation ran when it opened: the fill made while Tern could not reach the exchange is applied
    await until(async () => (await h.call('orders.get', { id: 'while-down' })).status === 'filled', 'the missed fill', 5000);
    expect((await h.call('instruments.list', { account: 'bn' })).map((i) => i.symbol)).toContain('ETH/USDT');
    await expectConsistent(h);
  });

  it('an account that never opens can still be removed', async () => {
    await h.rt.close();
    const db = new Database(join(h.dataDir, 'tern.db'));
    db.prepare('DELETE FROM market_instruments').run();
    db.close();
    h.sim.control.addFault({ kind: 'reset' });
    await h.restart();
    expect((await bn(h)).status).toBe('error');
    expect(await h.call('accounts.delete', { id: 'bn' })).toMatchObject({ id: 'bn', status: 'deleted' });
    expect((await h.call('accounts.list', {})).map((a) => a.id)).toEqual(['paper']);
    // an attempt already in flight when it was removed runs to its end (its requests cannot be
    // called back) and is then closed (account-supervisor retry); after that, nothing more
    await until(async () => {
      const n = h.sim.control.requestCount();
      await new Promise((r) => setTimeout(r, 150));
      return h.sim.control.requestCount() === n;
    }, 'the attempt in flight to end');
    const before = h.sim.control.requestCount();
    await new Promise((r) => setTimeout(r, 500));
    expect(h.sim.control.requestCount()).toBe(before); // no more retries
  });
});
