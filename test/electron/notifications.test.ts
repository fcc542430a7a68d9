import { describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src-common/contract/events.js';
import type { Account, Fill, Order } from '../../src-common/contract/schemas.js';
import { isDownStatus, type Notice, NoticeThrottle, NotificationRules } from '../../src-main/electron/notifications.js';

const fill = (over: Partial<Fill> = {}): EngineEvent => ({
  kind: 'fills',
  channel: 'fills',
  data: {
    id: 'f1',
    order_id: 'o1',
    client_order_id: 'c1',
    account: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    quantity: '0.5',
    price: '43210.5',
    fee: '21.60525',
    fee_asset: 'USDT',
    liquidity: 'taker',
    ts: '2025-01-01T00:00:00.000Z',
    ...over,
  },
});

const order = (over: Partial<Order> = {}): EngineEvent => ({
  kind: 'orders',
  channel: 'orders',
  data: {
    id: 'o1',
    client_order_id: 'c1',
    account: 'paper',
    symbol: 'BTC/USDT',
    side: 'sell',
    type: 'limit',
    quantity: '2',
    price: '50000',
    stop_price: null,
    time_in_force: 'GTC',
    post_only: true,
    reduce_only: false,
    status: 'open',
    filled_quantity: '0',
    average_price: null,
    fees: '0',
    reject_reason: null,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...over,
  },
});

const risk = (data: Record<string, unknown>): EngineEvent => ({ kind: 'risk', channel: 'risk', data });
const account = (a: Partial<Account> & { id: string }): EngineEvent => ({ kind: 'accounts', channel: 'accounts', data: { exchange: 'binance', mode: 'live', status: 'connected', ...a } });

describe('which events notify, with what text', () => {
  it('announces a fill with side, quantity, price, fee and the account in its mode', () => {
    const rules = new NotificationRules();
    rules.seed(null, [{ id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' }]);
    expect(rules.noticeFor(fill())).toEqual({
      category: 'fill',
      title: 'Bought 0.5 BTC/USDT',
      body: 'at 43210.5 · fee 21.60525 USDT · paper (PAPER)',
      urgent: false,
    });
    expect(rules.noticeFor(fill({ side: 'sell', account: 'bn' }))?.title).toBe('Sold 0.5 BTC/USDT');
  });

  it('announces an order that ends rejected once, with the reason, and ignores other order updates', () => {
    const rules = new NotificationRules();
    expect(rules.noticeFor(order())).toBeNull();
    const rejected = order({ status: 'rejected', reject_reason: 'post-only order would take liquidity' });
    expect(rules.noticeFor(rejected)).toEqual({
      category: 'reject',
      title: 'Order rejected: SELL 2 BTC/USDT at 50000',
      body: 'post-only order would take liquidity · paper',
      urgent: false,
    });
    expect(rules.noticeFor(rejected)).toBeNull();
  });

  it('announces a breaker trip with its reasons, as urgent', () => {
    const rules = new NotificationRules();
    const n = rules.noticeFor(
      risk({ event: 'trip', state: 'HALTED', reason: 'x', trips: [{ rule: 'max_daily_loss', account: null, reason: 'daily loss 1200 is above 1000' }] }),
    );
    expect(n).toEqual({ category: 'risk', title: 'Risk breaker tripped: trading HALTED', body: 'daily loss 1200 is above 1000', urgent: true });
  });

  it('announces a change of trading state, but not a repeat of the state it already knows', () => {
    const rules = new NotificationRules();
    rules.seed({ state: 'ACTIVE', reason: 'start' }, []);
    expect(rules.noticeFor(risk({ event: 'state', state: 'ACTIVE', reason: 'start' }))).toBeNull();
    expect(rules.noticeFor(risk({ event: 'state', state: 'REDUCING', reason: 'end of day' }))).toEqual({
      category: 'risk',
      title: 'Trading REDUCING',
      body: 'end of day',
      urgent: true,
    });
    expect(rules.noticeFor(risk({ event: 'state', state: 'ACTIVE', reason: 'resumed' }))).toMatchObject({ title: 'Trading ACTIVE', urgent: false });
  });

  it('sums up a kill switch report and flags failures as urgent', () => {
    const rules = new NotificationRules();
    const ok = rules.noticeFor(risk({ event: 'kill_switch', state: 'HALTED', report: { state: 'HALTED', canceled: ['a', 'b', 'c'], failed: [], flattened: [{}] } }));
    expect(ok).toEqual({ category: 'risk', title: 'Kill switch: trading HALTED', body: '3 orders canceled · 1 position closed', urgent: false });
    const bad = rules.noticeFor(risk({ event: 'kill_switch', state: 'HALTED', report: { state: 'HALTED', canceled: ['a'], failed: [{ id: 'o2', action: 'cancel', error: 'timeout' }], flattened: [] } }));
    expect(bad).toMatchObject({ body: '1 order canceled · 1 failed: check the risk screen', urgent: true });
  });

  it('stays quiet for usage and limits updates, market data and malformed risk events', () => {
    const rules = new NotificationRules();
    expect(rules.noticeFor(risk({ event: 'usage', state: 'ACTIVE' }))).toBeNull();
    expect(rules.noticeFor(risk({ event: 'limits', state: 'ACTIVE' }))).toBeNull();
    expect(rules.noticeFor(risk({ nonsense: true }))).toBeNull();
    expect(rules.noticeFor({ kind: 'ticker', channel: 'ticker:paper:BTC/USDT', data: {} as never })).toBeNull();
  });

  it('announces a connection that drops and comes back, once each', () => {
    const rules = new NotificationRules();
    rules.seed(null, [{ id: 'bn', exchange: 'binance', mode: 'live', status: 'connected' }]);
    expect(rules.noticeFor(account({ id: 'bn', status: 'connected' }))).toBeNull();
    expect(rules.noticeFor(account({ id: 'bn', status: 'reconnecting' }))).toEqual({
      category: 'connection',
      title: 'Disconnected: bn (LIVE)',
      body: 'binance is reconnecting; orders and market data may be stale',
      urgent: true,
    });
    expect(rules.noticeFor(account({ id: 'bn', status: 'disconnected' }))).toBeNull();
    expect(rules.noticeFor(account({ id: 'bn', status: 'connected' }))).toMatchObject({ title: 'Reconnected: bn (LIVE)', urgent: false });
  });

  it('tells down statuses from up ones', () => {
    for (const s of ['disconnected', 'reconnecting', 'error', 'offline', 'stale']) expect(isDownStatus(s)).toBe(true);
    for (const s of ['active', 'connected', 'online', 'connecting']) expect(isDownStatus(s)).toBe(false);
  });
});

function manualClock() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => {
        t.live = false;
      };
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.live && x.at <= now)) {
        t.live = false;
        t.fn();
      }
    },
    pending: () => timers.filter((t) => t.live).length,
  };
}

const n = (i: number, category: Notice['category'] = 'fill', urgent = false): Notice => ({ category, title: `Bought ${i} BTC/USDT`, body: `at ${i}`, urgent });

describe('notification bursts', () => {
  it('shows the first few of a burst at once and folds the rest into one summary at the end of the window', () => {
    const clock = manualClock();
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 3, windowMs: 5000, ...clock });
    for (let i = 1; i <= 10; i++) t.push(n(i));
    expect(shown.map((s) => s.title)).toEqual(['Bought 1 BTC/USDT', 'Bought 2 BTC/USDT', 'Bought 3 BTC/USDT']);
    clock.advance(5000);
    expect(shown).toHaveLength(4);
    expect(shown[3]).toEqual({ category: 'fill', title: '7 more fills', body: 'latest: Bought 10 BTC/USDT at 10', urgent: false });
  });

  it('measures its windows on a monotonic clock by default: a wall clock set back a day does not hold later notices', async () => {
    let offset = 0;
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 1, windowMs: 20 });
    try {
      t.push(n(1));
      offset = -86_400_000;
      await new Promise((r) => setTimeout(r, 40));
      t.push(n(2));
      expect(shown.map((s) => s.title)).toEqual(['Bought 1 BTC/USDT', 'Bought 2 BTC/USDT']);
    } finally {
      vi.restoreAllMocks();
      t.close();
    }
  });

  it('shows a single held notice as itself, not as a summary', () => {
    const clock = manualClock();
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 1, windowMs: 1000, ...clock });
    t.push(n(1));
    t.push(n(2));
    clock.advance(1000);
    expect(shown.map((s) => s.title)).toEqual(['Bought 1 BTC/USDT', 'Bought 2 BTC/USDT']);
  });

  it('counts each category on its own, so a burst of fills never hides a risk trip', () => {
    const clock = manualClock();
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 2, windowMs: 5000, ...clock });
    for (let i = 0; i < 5; i++) t.push(n(i));
    t.push(n(99, 'risk', true));
    expect(shown.map((s) => s.category)).toEqual(['fill', 'fill', 'risk']);
  });

  it('keeps the summary urgent when any folded notice was urgent', () => {
    const clock = manualClock();
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 1, windowMs: 1000, ...clock });
    t.push(n(1, 'connection'));
    t.push(n(2, 'connection', true));
    t.push(n(3, 'connection'));
    clock.advance(1000);
    expect(shown[1]).toMatchObject({ title: '2 more connection changes', urgent: true });
  });

  it('starts a fresh window after a quiet spell', () => {
    const clock = manualClock();
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 1, windowMs: 1000, ...clock });
    t.push(n(1));
    clock.advance(1500);
    t.push(n(2));
    expect(shown).toHaveLength(2);
    expect(clock.pending()).toBe(0);
  });

  it('drops pending summaries when closed (quit)', () => {
    const clock = manualClock();
    const shown: Notice[] = [];
    const t = new NoticeThrottle({ show: (x) => shown.push(x), maxPerWindow: 1, windowMs: 1000, ...clock });
    t.push(n(1));
    t.push(n(2));
    t.close();
    clock.advance(1000);
    expect(shown).toHaveLength(1);
  });
});
