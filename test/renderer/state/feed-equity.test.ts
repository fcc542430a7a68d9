/** The header's equity follows the marks: a new ticker for a symbol held revalues the portfolio at once (issue 13). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Feed, startFeed } from '../../../src-renderer/state/feed.js';
import { usePortfolio } from '../../../src-renderer/state/portfolio.js';
import { FakeClient, bootAnswers } from '../helpers/fake-client.js';
import { manualFrames, resetStores } from '../helpers/stores.js';

let feed: Feed | null = null;
const settle = () => new Promise((r) => setTimeout(r, 0));
const ticker = (symbol: string, bid: string) => ({ account: 'paper', symbol, bid, ask: bid, last: bid, ts: null });

async function boot(position: string) {
  let equity = 100_000;
  const answers = bootAnswers();
  answers['positions.list'] = () => [{ account: 'paper', symbol: 'BTC/USDT', quantity: position, average_price: '40000', realized_pnl: '0', unrealized_pnl: '0', mark_price: '40000' }];
  answers['portfolio.get'] = () => ({ quote_asset: 'USDT', equity: String(equity), realized_pnl: '0', unrealized_pnl: '0', fees_paid: '0' });
  const client = new FakeClient(answers);
  const frames = manualFrames();
  // the periodic sample is an hour away: only the marks can move the equity in this test
  feed = startFeed(client, { schedule: frames.schedule, portfolioIntervalMs: 3_600_000 });
  await settle();
  await settle();
  return { client, frames, setEquity: (v: number) => (equity = v) };
}

beforeEach(() => resetStores());
afterEach(() => {
  feed?.dispose();
  feed = null;
});

describe('equity in the header', () => {
  it('moves with the marks of a symbol held, one valuation per batch of tickers', async () => {
    const { client, frames, setEquity } = await boot('0.5');
    expect(usePortfolio.getState().current?.equity).toBe('100000');
    const samples = usePortfolio.getState().samples.length;
    const before = client.callsOf('portfolio.get').length;
    setEquity(100_250);
    client.emit('ticker:paper:BTC/USDT', ticker('BTC/USDT', '40500'));
    client.emit('ticker:paper:BTC/USDT', ticker('BTC/USDT', '40501'));
    frames.run();
    await settle();
    expect(usePortfolio.getState().current?.equity).toBe('100250');
    expect(client.callsOf('portfolio.get').length).toBe(before + 1);
    // the equity chart keeps its own sampling
    expect(usePortfolio.getState().samples.length).toBe(samples);
  });

  it('leaves the portfolio alone while flat', async () => {
    const { client, frames } = await boot('0');
    const before = client.callsOf('portfolio.get').length;
    client.emit('ticker:paper:BTC/USDT', ticker('BTC/USDT', '40500'));
    frames.run();
    await settle();
    expect(client.callsOf('portfolio.get').length).toBe(before);
  });
});
