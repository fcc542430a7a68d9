import { Decimal, str } from '../../model/decimal.js';
import type { OrderRecord } from '../../model/types.js';
import type { PreTradeContext } from '../../oms/pre-trade.js';
import type { ResolvedLimit } from '../limits.js';
import { type PreTradeRule, type RuleReading, isNewOrder, lazyReading, refusal } from './rule.js';

interface Bucket {
  /** the limit this bucket was made for: a changed limit starts a full bucket */
  source: ResolvedLimit;
  capacity: number;
  perMs: number;
  tokens: number;
  at: number;
}

/** tokens are counts of orders, not money: doubles, with a tolerance for their rounding */
const EPSILON = 1e-9;

/**
 * max_orders_per_second: a token bucket per scope that sets the limit (global:
 * all accounts together). It holds max(1, rate) orders and refills at `rate`
 * per second of the engine's monotonic clock (a wall clock set back must not
 * empty it until the wall catches up), so a burst of `rate` orders passes at once
 * and then one more each 1/rate seconds. The value compared is the number of
 * orders this one would be in the current burst: refused when it exceeds the
 * bucket. Only new orders take a token (amendments do not), and only once the
 * order is accepted, so a refused order costs nothing.
 */
export class MaxOrdersPerSecond implements PreTradeRule {
  readonly name = 'max_orders_per_second' as const;
  private readonly buckets = new Map<string, Bucket>();

  check(order: OrderRecord, context: PreTradeContext, limit: ResolvedLimit): RuleReading | undefined {
    if (!isNewOrder(order)) return undefined;
    const bucket = this.refill(limit, context.monotonic);
    const used = bucket.capacity - bucket.tokens + 1;
    if (bucket.tokens < 1 - EPSILON) {
      const waitMs = Math.ceil((1 - bucket.tokens) / bucket.perMs);
      throw refusal(limit, count(used), `more than ${str(limit.limit)} orders per second; the next order can go in ${waitMs} ms`, { retry_after_ms: waitMs });
    }
    return lazyReading(limit, () => count(used));
  }

  onAccepted(order: OrderRecord, context: PreTradeContext, limit: ResolvedLimit): void {
    if (!isNewOrder(order)) return;
    const bucket = this.refill(limit, context.monotonic);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
  }

  /** orders drawn from a scope's bucket right now (usage); `monotonic` as in PreTradeContext */
  used(limit: ResolvedLimit, monotonic: number): Decimal {
    const bucket = this.refill(limit, monotonic);
    return count(bucket.capacity - bucket.tokens);
  }

  private refill(limit: ResolvedLimit, now: number): Bucket {
    let bucket = this.buckets.get(limit.scopeKey);
    if (!bucket || bucket.source !== limit) {
      const rate = limit.limit.toNumber();
      const capacity = Math.max(1, rate);
      bucket = { source: limit, capacity, perMs: rate / 1000, tokens: capacity, at: now };
      this.buckets.set(limit.scopeKey, bucket);
      return bucket;
    }
    if (now > bucket.at) {
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.at) * bucket.perMs);
      bucket.at = now;
    }
    return bucket;
  }
}

/** a count of orders from the bucket's doubles, to 6 decimals */
function count(x: number): Decimal {
  return new Decimal(x.toFixed(6));
}
