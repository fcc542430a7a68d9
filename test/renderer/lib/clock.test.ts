import { describe, expect, it } from 'vitest';
import { marketClock } from '../../../src-renderer/lib/clock.js';

describe('which clock market data is on', () => {
  it('is local near now and replay when the data keeps its own time', () => {
    const now = Date.parse('2026-12-02T03:00:00Z');
    expect(marketClock(now - 60_000, now)).toBe('local');
    expect(marketClock(Date.parse('2022-01-01T05:15:00Z'), now)).toBe('replay');
    expect(marketClock(undefined, now)).toBe('local');
  });
});
