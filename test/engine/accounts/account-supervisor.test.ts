import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src-common/contract/schemas.js';
import { AccountSupervisor } from '../../../src-main/engine/accounts/account-supervisor.js';
import type { AccountRecord } from '../../../src-main/engine/model/types.js';
import { ManualClock } from '../../../src-main/engine/ports/clock.js';
import { FakeFeed } from '../../helpers/fake-feed.js';

const record: AccountRecord = { id: 'bn', exchange: 'binance', mode: 'live', status: 'active', startingBalances: {}, createdAt: 0 };

/** a feed that reports per-symbol freshness like CcxtFeed */
class StatusFeed extends FakeFeed {
  symbols: Array<{ symbol: string; lastUpdate: number | null; stale: boolean; reconnecting: boolean }> = [];
  private readonly statusListeners = new Set<() => void>();
  status() {
    return this.symbols;
  }
  onStatus(l: () => void) {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }
  set(symbol: string, s: Partial<{ lastUpdate: number | null; stale: boolean; reconnecting: boolean }>) {
    const cur = this.symbols.find((x) => x.symbol === symbol);
    if (cur) Object.assign(cur, s);
    else this.symbols.push({ symbol, lastUpdate: null, stale: false, reconnecting: false, ...s });
    for (const l of this.statusListeners) l();
  }
}

function harness(open: (r: AccountRecord) => Promise<void>) {
  const clock = new ManualClock(1_000_000);
  const published: Account[] = [];
  const closed: string[] = [];
  const sup = new AccountSupervisor({ clock, publish: (a) => published.push(a), open, close: async (id) => void closed.push(id), retryMs: 5, maxRetryMs: 20 });
  return { clock, published, closed, sup };
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
};

describe('AccountSupervisor: accounts that cannot open', () => {
  it('keeps an account that cannot open in error with the reason, retries it with backoff, and shows it active once it opens', async () => {
    let attempts = 0;
    const { sup, published, closed } = harness(async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('the markets of binance could not be loaded: the exchange is not available');
    });
    expect(await sup.openOrRetry(record)).toBe(false);
    expect(closed).toEqual(['bn']); // what the failed open left is taken down
    expect(sup.failed().map((r) => r.id)).toEqual(['bn']);
    expect(sup.dto(record)).toMatchObject({ id: 'bn', status: 'error', reason: expect.stringMatching(/^the markets of binance could not be loaded.*\(attempt 1; next try in \d+ s\)$/) });
    expect(sup.unavailable('bn')).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/account bn is not open/) });
    expect(sup.unavailable('other')).toBeNull();
    await waitFor(() => sup.failed().length === 0);
    expect(attempts).toBe(3);
    expect(sup.dto(record).status).toBe('active');
    // one event when it failed (the same reason again is no news), one when it opened
    expect(published.map((a) => a.status)).toEqual(['error', 'active']);
  });

  it('tells when it retries in time from now, whatever the wall clock was set to meanwhile', async () => {
    const clock = new ManualClock(1_000_000);
    const slow = new AccountSupervisor({ clock, publish: () => {}, open: async () => Promise.reject(new Error('the exchange is not available')), close: async () => {}, retryMs: 30_000, maxRetryMs: 30_000 });
    expect(await slow.openOrRetry(record)).toBe(false);
    clock.jump(-86_400_000);
    clock.advance(10_000);
    expect(slow.dto(record).reason).toMatch(/next try in 20 s\)$/);
    slow.stop();
  });

  it('stops retrying an account that is removed, and after stop', async () => {
    let attempts = 0;
    const { sup } = harness(async () => {
      attempts += 1;
      throw new Error('down');
    });
    await sup.openOrRetry(record);
    sup.forget('bn');
    await sup.openOrRetry({ ...record, id: 'okx' });
    sup.stop();
    const seen = attempts;
    await new Promise((r) => setTimeout(r, 60));
    expect(attempts).toBe(seen);
    expect(sup.failed().map((r) => r.id)).toEqual(['okx']);
  });
});

describe('AccountSupervisor: market data status', () => {
  it('shows disconnected over stale over active, with the seconds since the last update, and publishes only changes', async () => {
    const { sup, published, clock } = harness(async () => {});
    const feed = new StatusFeed([]);
    const off = sup.watch(record, feed);
    expect(sup.dto(record)).toMatchObject({ status: 'active', reason: null, market_data: { state: 'waiting', last_update: null, symbols: [] } });

    feed.set('BTC/USDT', { lastUpdate: clock.now() });
    feed.set('ETH/USDT', { lastUpdate: clock.now() - 2000 });
    expect(published).toEqual([]); // still active
    clock.advance(45_000);
    feed.set('ETH/USDT', { stale: true });
    expect(published.at(-1)).toMatchObject({ status: 'stale', reason: 'no market data for ETH/USDT for 47 s' });
    expect(sup.dto(record).market_data).toMatchObject({
      state: 'stale',
      seconds_since_update: 45,
      symbols: [
        { symbol: 'BTC/USDT', state: 'connected', seconds_since_update: 45 },
        { symbol: 'ETH/USDT', state: 'stale', seconds_since_update: 47 },
      ],
    });
    feed.set('BTC/USDT', { reconnecting: true });
    expect(published.at(-1)).toMatchObject({ status: 'disconnected', reason: 'market data of BTC/USDT is reconnecting' });
    feed.set('BTC/USDT', { reconnecting: false, lastUpdate: clock.now() });
    feed.set('ETH/USDT', { stale: false, lastUpdate: clock.now() });
    expect(published.map((a) => a.status)).toEqual(['stale', 'disconnected', 'stale', 'active']);
    off();
    feed.set('BTC/USDT', { reconnecting: true });
    expect(published).toHaveLength(4);
    expect(sup.dto(record)).toEqual({ id: 'bn', exchange: 'binance', mode: 'live', status: 'active' });
  });

  it('a feed that tells nothing about freshness (paper, replay) leaves the status as recorded', () => {
    const { sup } = harness(async () => {});
    sup.watch({ ...record, id: 'paper', exchange: 'paper', mode: 'paper' }, new FakeFeed([]));
    expect(sup.dto({ ...record, id: 'paper', exchange: 'paper', mode: 'paper' })).toEqual({ id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' });
  });
});

/** a venue that tells its health like CcxtVenue */
class HealthVenue {
  state: { status: 'active' | 'degraded' | 'error'; reason: string | null } = { status: 'active', reason: null };
  private readonly listeners = new Set<() => void>();
  health() {
    return this.state;
  }
  onHealth(l: () => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  set(status: 'active' | 'degraded' | 'error', reason: string | null) {
    this.state = { status, reason };
    for (const l of this.listeners) l();
  }
}

describe('AccountSupervisor: what the exchange says about an open account', () => {
  it("shows the venue's health and unresolved orders, the worst as the status and every reason, with an event on each change", () => {
    const { sup, published } = harness(async () => {});
    const feed = new StatusFeed([]);
    const venue = new HealthVenue();
    const stop = sup.watch(record, feed, venue);
    expect(sup.dto(record)).toMatchObject({ status: 'active', reason: null });

    venue.set('degraded', 'requests to the exchange fail: the exchange is not available (503)');
    expect(published.at(-1)).toMatchObject({ status: 'degraded', reason: 'requests to the exchange fail: the exchange is not available (503)' });
    sup.reconciled('bn', 2);
    expect(published.at(-1)).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/; 2 orders unresolved after reconciliation$/) });
    feed.set('ETH/USDT', { reconnecting: true });
    expect(published.at(-1)).toMatchObject({ status: 'disconnected' });
    venue.set('error', 'clock ahead of the exchange by 20 s');
    expect(published.at(-1)).toMatchObject({ status: 'error', reason: expect.stringMatching(/^clock ahead of the exchange by 20 s; market data of ETH\/USDT is reconnecting; 2 orders unresolved after reconciliation$/) });

    venue.set('active', null);
    sup.reconciled('bn', 0);
    feed.set('ETH/USDT', { reconnecting: false, lastUpdate: 1_000_000 });
    expect(published.at(-1)).toMatchObject({ status: 'active', reason: null });
    const n = published.length;
    stop();
    venue.set('error', 'the exchange refused the API key');
    expect(published).toHaveLength(n); // a closed account tells nothing
  });
});

