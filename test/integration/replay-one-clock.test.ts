// Issue 13, "one clock": a paper market replaying a file is played on the engine's clock, so an
// order's and a fill's time fall in the candle that was forming when they happened, at a price
// inside it; and the instrument says what the data is (the file, its own dates) for the label.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/ports/clock.js';
import type { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';
import { bundledSampleFeed, createRuntime } from '../../src-main/runtime.js';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const ctx = { actor: 'test' };
const MINUTE = 60_000;

async function open(clock: ManualClock) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-one-clock-'));
  dirs.push(dataDir);
  // speed 0: the test moves the replay (and the clock) itself
  return createRuntime({ dataDir, secrets: new MemorySecretStore(), reconcile: { intervalMs: 0 }, clock, feed: `replay:${bundledSampleFeed()}@0`, symbol: 'BTC/USDT' });
}

describe('a paper replay runs on the engine clock', () => {
  it("a fill's time falls in the candle forming when it filled, at a price inside that candle", async () => {
    const start = Date.parse('2026-12-02T08:30:20Z');
    const clock = new ManualClock(start);
    const rt = await open(clock);
    try {
      const feed = rt.marketData as ReplayFeed;
      feed.step(3);
      clock.advance(15_000);
      feed.step(2);
      const order = await rt.api.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' }, ctx);
      // the minute goes by: the next print closes the candle the fill was made in
      clock.advance(MINUTE);
      feed.step(1);
      const [fill] = (await rt.api.call('fills.list', {}, ctx)).filter((f) => f.order_id === order.id);
      expect(fill).toBeDefined();
      const filledAt = Date.parse(fill!.ts);
      expect(filledAt).toBe(start + 15_000);
      expect(Date.parse(order.created_at)).toBe(start + 15_000);

      const candles = await rt.api.call('market.candles', { symbol: 'BTC/USDT', timeframe: '1m', limit: 500 }, ctx);
      const at = candles.find(([ts]) => ts <= filledAt && filledAt < ts + MINUTE);
      expect(at?.[0]).toBe(Date.parse('2026-12-02T08:30:00.000Z'));
      const [, , high, low] = at!;
      expect(Number(fill!.price)).toBeGreaterThanOrEqual(Number(low));
      expect(Number(fill!.price)).toBeLessThanOrEqual(Number(high));
      // the file's first bars are the history before it, ending where it opens
      expect(candles.length).toBeGreaterThan(100);
      expect(candles.at(-2)![0]).toBe(Date.parse('2026-12-02T08:29:00.000Z'));

      const [instrument] = await rt.api.call('instruments.list', {}, ctx);
      expect(instrument!.replay).toEqual({
        name: 'BTC-USDT_1m_sample.csv',
        data_from: '2021-12-31T23:01:00.000Z',
        data_to: expect.stringMatching(/^2022-01-0/),
        playing_since: new Date(start).toISOString(),
      });
    } finally {
      await rt.close();
    }
  });
});
