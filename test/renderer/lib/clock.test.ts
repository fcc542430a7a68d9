import { describe, expect, it } from 'vitest';
import { clockLabel } from '../../../src-renderer/lib/clock.js';

describe('the clock label', () => {
  it("names a replay's file and its data's dates, shown on this computer's clock; a live market needs none", () => {
    const replay = { name: 'BTC-USDT_1m_sample.csv', data_from: '2021-12-31T23:01:00.000Z', data_to: '2022-01-03T23:01:00.000Z', playing_since: '2026-12-02T08:30:20.000Z' };
    expect(clockLabel({ replay })).toEqual({
      badge: 'REPLAY',
      title: "Replay of BTC-USDT_1m_sample.csv · data from 2021-12-31 – 2022-01-03, shown on this computer's clock",
    });
    expect(clockLabel({})).toBeNull();
    expect(clockLabel(undefined)).toBeNull();
  });
});
