import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../src-main/api/rate-limit.js';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses until tokens refill at the rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('k').allowed)).toEqual([true, true, true]);
    const refused = buckets.take('k');
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 1 });
    now += 500; // one token back
    expect(buckets.take('k').allowed).toBe(true);
    expect(buckets.take('k').allowed).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, () => 0);
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    expect(buckets.take('b').allowed).toBe(true);
  });

  it('reports the seconds until the bucket is full again as Reset', () => {
    const now = 0;
    const buckets = new TokenBuckets({ perSecond: 10, burst: 100 }, () => now);
    for (let i = 0; i < 25; i++) buckets.take('k');
    const d = buckets.take('k');
    expect(d.remaining).toBe(74);
    expect(d.resetSeconds).toBe(3); // 26 tokens at 10/s
  });

  it('never holds more than the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 100, burst: 5 }, () => now);
    buckets.take('k');
    now += 60_000;
    expect(buckets.take('k').remaining).toBe(4);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new TokenBuckets({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ perSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});
