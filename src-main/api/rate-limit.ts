export interface RateLimitOptions {
  /** tokens added per second */
  perSecond: number;
  /** bucket size: how many requests may come at once */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 50, burst: 100 };

export interface RateDecision {
  allowed: boolean;
  /** X-RateLimit-Limit: the bucket size */
  limit: number;
  /** X-RateLimit-Remaining: whole requests left right now */
  remaining: number;
  /** X-RateLimit-Reset: seconds until the bucket is full again (a delta, not an epoch) */
  resetSeconds: number;
  /** Retry-After when refused: seconds until one request fits */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One token bucket per API key, shared by REST and WebSocket calls. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
  }

  /** one request of `key`, against its own rate when it has one (per-bot keys) */
  take(key: string, options: RateLimitOptions = this.options): RateDecision {
    const { perSecond, burst } = options;
    const t = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: burst, at: t };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) * perSecond) / 1000);
      bucket.at = t;
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return {
      allowed,
      limit: burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((burst - bucket.tokens) / perSecond),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)),
    };
  }
}
