import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Feed, groupFills, startFeed } from '../../../src-renderer/state/feed.js';
import { useConnection } from '../../../src-renderer/state/connection.js';
import { tickerKey, useMarket } from '../../../src-renderer/state/market.js';
import { useNotifications } from '../../../src-renderer/state/notifications.js';
import { usePortfolio } from '../../../src-renderer/state/portfolio.js';
import { useReference } from '../../../src-renderer/state/reference.js';
import { useRisk } from '../../../src-renderer/state/risk.js';
import { useTrading } from '../../../src-renderer/state/trading.js';
import { FakeClient, RISK, bootAnswers, fill, order } from '../helpers/fake-client.js';
import { manualFrames, resetStores } from '../helpers/stores.js';

let feed: Feed | null = null;
const settle = () => new Promise((r) => setTimeout(r, 0));
const titles = () => useNotifications.getState().toasts.map((t) => t.title);

async function boot(answers = bootAnswers()) {
  const client = new FakeClient(answers);
  const frames = manualFrames();
  feed = startFeed(client, { schedule: frames.schedule, portfolioIntervalMs: 60_000 });
  await settle();
  await settle();
  return { client, frames };
}

beforeEach(() => resetStores());
afterEach(() => {
  feed?.dispose();
  feed = null;
});

describe('the feed', () => {
  it('on connect, loads every snapshot and subscribes the private and market channels', async () => {
    const { client } = await boot();
    expect(useReference.getState()).toMatchObject({ status: 'ready', version: '9.9.9' });
    expect(useTrading.getState().balances.rows.get('paper|USDT')).toMatchObject({ total: '100000' });
    expect(useTrading.getState().orders.status).toBe('ready');
    expect(usePortfolio.getState().samples).toHaveLength(1);
    expect(useRisk.getState()).toMatchObject({ available: true, risk: { state: 'ACTIVE' } });
    expect(useMarket.getState()).toMatchObject({ candlesStatus: 'ready', watchlist: ['BTC/USDT'] });
    expect(useMarket.getState().candles.toArray()).toHaveLength(2);
    expect(useMarket.getState().book?.bids).toEqual([['40000', '1']]);
    expect(client.channels).toEqual(
      expect.arrayContaining(['orders', 'fills', 'positions', 'balances', 'risk', 'accounts', 'ticker:paper:BTC/USDT', 'book:paper:BTC/USDT', 'trades:paper:BTC/USDT', 'candles:paper:BTC/USDT']),
    );
    expect(useConnection.getState().status.phase).toBe('open');
  });

  it('applies events in one batch per frame, not one render per event', async () => {
    const { client, frames } = await boot();
    const before = useTrading.getState().orders.version;
    client.emit('orders', order({ id: 'O-a' }));
    client.emit('orders', order({ id: 'O-b' }));
    client.emit('ticker:paper:BTC/USDT', { account: 'paper', symbol: 'BTC/USDT', bid: '1', ask: '2', last: '1.5', ts: null });
    expect(frames.pending).toBe(1);
    expect(useTrading.getState().orders.rows.size).toBe(0);
    frames.run();
    const orders = useTrading.getState().orders;
    expect(orders.version).toBe(before + 1);
    expect(orders.delta?.upserts.map((o) => o.id)).toEqual(['O-a', 'O-b']);
    expect(useMarket.getState().tickers[tickerKey('paper', 'BTC/USDT')]?.last).toBe('1.5');
  });

  it('holds events that arrive while a snapshot loads, then applies them on top of it', async () => {
    const waiting: Array<() => void> = [];
    const release = () => waiting.splice(0).forEach((r) => r());
    const answers = bootAnswers();
    const stale = order({ id: 'O-x', status: 'open' });
    answers['orders.list'] = () => new Promise((r) => waiting.push(() => r([stale])));
    const { client, frames } = await boot(answers);
    client.emit('orders', { ...stale, status: 'filled', filled_quantity: '0.01' });
    frames.run();
    expect(useTrading.getState().orders.status).toBe('loading');
    release();
    await settle();
    await settle();
    expect(useTrading.getState().orders.rows.get('O-x')?.status).toBe('filled');
  });

  it('notifies rejects once and fills grouped by order', async () => {
    const { client, frames } = await boot();
    const rejected = order({ id: 'O-r', status: 'rejected', reject_reason: 'insufficient balance' });
    client.emit('orders', rejected);
    client.emit('orders', rejected);
    client.emit('fills', fill({ order_id: 'O-m', quantity: '0.01', price: '100', fee: '0.1' }));
    client.emit('fills', fill({ order_id: 'O-m', quantity: '0.03', price: '200', fee: '0.2' }));
    frames.run();
    expect(titles()).toEqual(['Filled: Buy 0.04 BTC/USDT', 'Rejected: Buy 0.01 BTC/USDT']);
    expect(useNotifications.getState().toasts[0]?.body).toBe('@ 175.00 avg (2 fills) · fee 0.3 USDT');
  });

  it('keeps the risk state current and says when trading halts or a breaker trips', async () => {
    const { client, frames } = await boot();
    client.emit('risk', { event: 'state', ...RISK, state: 'HALTED', reason: 'kill switch' });
    frames.run();
    expect(useRisk.getState().risk?.state).toBe('HALTED');
    expect(titles()).toContain('Trading HALTED');
    client.emit('risk', { event: 'trip', trips: [{ rule: 'max_daily_loss', reason: 'lost 500 today' }], ...RISK, state: 'HALTED' });
    frames.run();
    expect(useNotifications.getState().toasts[0]).toMatchObject({ title: 'Risk breaker tripped: max_daily_loss', body: 'lost 500 today' });
  });

  it('announces a kill switch once, not also as a state change', async () => {
    const { client, frames } = await boot();
    client.emit('risk', { event: 'state', ...RISK, state: 'HALTED', reason: 'kill switch: panic' });
    client.emit('risk', { event: 'kill_switch', report: { canceled: ['O-1'], flattened: [] }, ...RISK, state: 'HALTED', reason: 'kill switch: panic' });
    frames.run();
    expect(titles()).toEqual(['Kill switch: trading HALTED']);
    expect(useNotifications.getState().toasts[0]?.body).toBe('1 order(s) canceled');
  });

  it('marks risk unavailable when the engine has no risk methods', async () => {
    const answers = bootAnswers();
    delete answers['risk.get'];
    await boot(answers);
    expect(useRisk.getState().available).toBe(false);
  });

  it('warns when the link drops, and reloads everything when it is back', async () => {
    const { client } = await boot();
    const loads = client.callsOf('orders.list').length;
    client.setStatus({ phase: 'reconnecting', reconnects: 0 });
    expect(titles()).toContain('Connection to the engine lost');
    client.setStatus({ phase: 'open', reconnects: 1 });
    await settle();
    await settle();
    expect(client.callsOf('orders.list').length).toBeGreaterThan(loads);
    expect(titles()).toContain('Reconnected');
  });

  it('moves the chart with trades and bars of the market on screen only', async () => {
    const { client, frames } = await boot();
    client.emit('trades:paper:BTC/USDT', { id: 1, account: 'paper', symbol: 'BTC/USDT', price: '5', quantity: '1', side: 'buy', ts: new Date(130_000).toISOString() });
    client.emit('book:paper:ETH/USDT', { account: 'paper', symbol: 'ETH/USDT', bids: [['9', '9']], asks: [], ts: null });
    frames.run();
    const m = useMarket.getState();
    expect(m.candles.last).toEqual([120_000, '1.5', '5', '1', '5', '20']);
    expect(m.trades).toHaveLength(1);
    expect(m.book?.symbol).toBe('BTC/USDT');
    client.emit('candles:paper:BTC/USDT', { account: 'paper', symbol: 'BTC/USDT', candle: [180_000, '2', '2', '2', '2', '1'] });
    frames.run();
    expect(useMarket.getState().candles.toArray()).toHaveLength(3);
  });

  it("shows the market's recent trades at once, newest first; a print that came while they loaded is not added twice", async () => {
    const print = (id: number, price: string) => ({ id, account: 'paper', symbol: 'BTC/USDT', price, quantity: '1', side: 'buy', ts: new Date(130_000).toISOString() });
    const client: FakeClient = new FakeClient({
      ...bootAnswers(),
      'market.trades': () => {
        // the event of the newest print arrives before the answer that holds it
        client.emit('trades:paper:BTC/USDT', print(2, '4'));
        return [print(1, '3'), print(2, '4')];
      },
    });
    const frames = manualFrames();
    feed = startFeed(client, { schedule: frames.schedule, portfolioIntervalMs: 60_000 });
    await settle();
    await settle();
    expect(client.callsOf('market.trades')).toEqual([{ account: 'paper', symbol: 'BTC/USDT', limit: 60 }]);
    expect(useMarket.getState().trades.map((t) => t.id)).toEqual([2, 1]);
    client.emit('trades:paper:BTC/USDT', print(3, '5'));
    frames.run();
    expect(useMarket.getState().trades.map((t) => [t.id, t.price])).toEqual([
      [3, '5'],
      [2, '4'],
      [1, '3'],
    ]);
  });

  it('choosing another symbol resubscribes and reloads its market', async () => {
    const answers = bootAnswers();
    answers['instruments.list'] = () => [
      { account: 'paper', symbol: 'BTC/USDT' },
      { account: 'paper', symbol: 'ETH/USDT' },
    ];
    const { client } = await boot(answers);
    useMarket.getState().selectMarket('paper', 'ETH/USDT');
    await settle();
    expect(client.channels).toContain('book:paper:ETH/USDT');
    expect(client.channels).not.toContain('book:paper:BTC/USDT');
    expect(client.channels).toContain('ticker:paper:BTC/USDT'); // still watched
    expect(client.callsOf('market.candles').at(-1)).toMatchObject({ symbol: 'ETH/USDT' });
  });

  it("draws a watchlist market's candles at once on a switch (fetched after start), then refreshes them", async () => {
    const answers = bootAnswers();
    answers['instruments.list'] = () => [
      { account: 'paper', symbol: 'BTC/USDT' },
      { account: 'paper', symbol: 'ETH/USDT' },
    ];
    const eth = (close: string) => [[60_000, '1', '1', '1', close, '1']];
    let ethClose = '7';
    let answer: (() => void) | null = null;
    const btc = answers['market.candles']!;
    answers['market.candles'] = (p) => {
      const { symbol } = p as { symbol: string };
      if (symbol === 'BTC/USDT') return btc(p);
      if (ethClose === '7') return eth(ethClose);
      // the reload after the switch: held until the test answers it
      return new Promise((r) => (answer = () => r(eth(ethClose))));
    };
    const { client } = await boot(answers);
    await settle();
    expect(client.callsOf('market.candles')).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'ETH/USDT' })]));
    ethClose = '8';
    useMarket.getState().selectMarket('paper', 'ETH/USDT');
    // before the reload answers: the candles fetched in the background
    expect(useMarket.getState()).toMatchObject({ symbol: 'ETH/USDT', candlesStatus: 'ready' });
    expect(useMarket.getState().candles.last?.[4]).toBe('7');
    await settle();
    answer!();
    await settle();
    expect(useMarket.getState().candles.last?.[4]).toBe('8');
    // and back: BTC/USDT's candles as they were, not an empty chart loading
    useMarket.getState().selectMarket('paper', 'BTC/USDT');
    expect(useMarket.getState()).toMatchObject({ candlesStatus: 'ready' });
    expect(useMarket.getState().candles.toArray()).toHaveLength(2);
  });

  it('groups fills per order with exact sums', () => {
    const groups = groupFills([fill({ order_id: 'A', quantity: '0.1', price: '0.3', fee: '0.1' }), fill({ order_id: 'A', quantity: '0.2', price: '0.3', fee: '0.2' })]);
    expect(groups).toEqual([expect.objectContaining({ orderId: 'A', count: 2, quantity: '0.3', price: '0.30', fee: '0.3' })]);
  });
});
