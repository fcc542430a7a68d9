import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Feed, startFeed } from '../../../src-renderer/state/feed.js';
import { useStrategies } from '../../../src-renderer/state/strategies.js';
import { FakeClient, bootAnswers } from '../helpers/fake-client.js';
import { manualFrames, resetStores } from '../helpers/stores.js';

const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const instance = (patch: Record<string, unknown>) => ({
  id: 'trend',
  strategy: 'sma-cross',
  source: 'builtin:sma-cross',
  account: 'paper',
  symbol: 'BTC/USDT',
  mode: 'paper',
  params: { fast: 10, slow: 30, fraction: 0.95 },
  status: 'running',
  error: null,
  error_stack: null,
  restart: null,
  started_at: 1_700_000_000_000,
  stopped_at: null,
  orders_placed: 0,
  refusals: [],
  ...patch,
});

describe('the strategies channel', () => {
  let feed: Feed | null = null;
  beforeEach(() => {
    resetStores();
    useStrategies.getState().reset();
  });
  afterEach(() => {
    feed?.dispose();
    feed = null;
  });

  it('is subscribed, and each event replaces the strategy in the store (a resume, a failure)', async () => {
    const client = new FakeClient(bootAnswers());
    const frames = manualFrames();
    feed = startFeed(client, { schedule: frames.schedule, portfolioIntervalMs: 60_000 });
    await settle();
    await settle();
    expect(client.channels).toEqual(expect.arrayContaining(['strategies']));
    client.emit('strategies', instance({ restart: { action: 'resumed', at: 1_700_000_500_000 } }));
    frames.run();
    expect(useStrategies.getState().running).toEqual([expect.objectContaining({ id: 'trend', restart: { action: 'resumed', at: 1_700_000_500_000 } })]);
    client.emit('strategies', instance({ status: 'failed', error: 'bad bar 2' }));
    frames.run();
    expect(useStrategies.getState().running).toEqual([expect.objectContaining({ id: 'trend', status: 'failed', error: 'bad bar 2' })]);
  });
});
