import type { RateLimitOptions } from './rate-limit.js';

/**
 * Failed authentication per client address: a missing or unknown key, a wrong
 * sign-in token, a failed WebSocket auth. 20 at once, then 1 a second.
 */
export const DEFAULT_AUTH_FAILURE_LIMIT: RateLimitOptions = { perSecond: 1, burst: 20 };

/** addresses tracked one by one; past this, new ones share one bucket (127.0.0.0/8 has 16 M source addresses) */
const MAX_ADDRESSES = 1_024;
const OVERFLOW = '*';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets of authentication failures, keyed by remote address. A caller
 * whose bucket is empty is refused with 429 before its key, token or message
 * is looked at; a valid key from the same address is not affected (the
 * server is loopback-only, so every local program shares 127.0.0.1).
 * Monotonic time: a wall-clock jump neither locks out nor frees a caller.
 */
export class AuthFailures {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly options: RateLimitOptions = DEFAULT_AUTH_FAILURE_LIMIT,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('auth failure limit needs perSecond > 0 and burst >= 1');
  }

  /** seconds until `address` may fail again, or 0 when it may now */
  retryAfter(address: string): number {
    const bucket = this.refill(this.bucketKey(address), false);
    return bucket === undefined || bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond));
  }

  /** count one failure; returns the seconds to wait when it went over the limit, else 0 */
  fail(address: string): number {
    const bucket = this.refill(this.bucketKey(address), true)!;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }

  private bucketKey(address: string): string {
    if (this.buckets.has(address) || this.buckets.size < MAX_ADDRESSES) return address;
    this.sweep();
    return this.buckets.size < MAX_ADDRESSES ? address : OVERFLOW;
  }

  private refill(key: string, create: boolean): Bucket | undefined {
    const t = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (!create) return undefined;
      bucket = { tokens: this.options.burst, at: t };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (Math.max(0, t - bucket.at) * this.options.perSecond) / 1000);
    bucket.at = t;
    return bucket;
  }

  /** a full bucket is the same as none */
  private sweep(): void {
    for (const [key, bucket] of this.buckets) {
      if (key === OVERFLOW) continue;
      this.refill(key, false);
      if (bucket.tokens >= this.options.burst) this.buckets.delete(key);
    }
  }
}
