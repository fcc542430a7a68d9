/** Strategy fills make one toast per strategy and burst, not one per fill (issue 13). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BURST_GAP_MS, type Feed, startFeed } from '../../../src-renderer/state/feed.js';
import { useNotifications } from '../../../src-renderer/state/notifications.js';
import { FakeClient, bootAnswers, fill } from '../helpers/fake-client.js';
import { manualFrames, resetStores } from '../helpers/stores.js';

let feed: Feed | null = null;
const settle = () => new Promise((r) => setTimeout(r, 0));
const titles = () => useNotifications.getState().toasts.map((t) => t.title);

beforeEach(() => resetStores());
afterEach(() => {
  feed?.dispose();
  feed = null;
});

describe('strategy fill toasts', () => {
  it('group a burst per strategy, keep manual fills apart, and start a new toast after a pause', async () => {
    let clock = 1_000_000;
    const client = new FakeClient(bootAnswers());
    const frames = manualFrames();
    feed = startFeed(client, { schedule: frames.schedule, portfolioIntervalMs: 3_600_000, now: () => clock });
    await settle();
    await settle();
    useNotifications.getState().clear();

    for (let i = 0; i < 3; i++) client.emit('fills', fill({ order_id: `O-s${i}`, strategy_id: 'grid-1' }));
    frames.run();
    clock += 500;
    client.emit('fills', fill({ order_id: 'O-s3', strategy_id: 'grid-1', side: 'sell' }));
    client.emit('fills', fill({ order_id: 'O-t1', strategy_id: 'sma-2' }));
    client.emit('fills', fill({ order_id: 'O-hand', strategy_id: null }));
    frames.run();
    expect(titles().sort()).toEqual(['Filled: Buy 0.01 BTC/USDT', 'Strategy grid-1: 4 fills', 'Strategy sma-2: 1 fill']);
    expect(useNotifications.getState().toasts.find((t) => t.title.startsWith('Strategy grid-1'))?.body).toContain('3 buy · 1 sell');

    clock += BURST_GAP_MS + 1;
    client.emit('fills', fill({ order_id: 'O-s4', strategy_id: 'grid-1' }));
    frames.run();
    expect(titles().filter((t) => t.startsWith('Strategy grid-1'))).toEqual(['Strategy grid-1: 1 fill', 'Strategy grid-1: 4 fills']);
  });
});
