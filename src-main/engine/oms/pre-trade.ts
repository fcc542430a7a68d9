import type { TernError } from '../../../src-common/contract/errors.js';
import type { Decimal } from '../model/decimal.js';
import type { InstrumentSpec, OrderRecord } from '../model/types.js';

/** What a pre-trade check sees about the order and the book it will meet. */
export interface PreTradeContext {
  instrument: InstrumentSpec;
  /** signed position before the order */
  position: Decimal;
  mid: Decimal | undefined;
  /** epoch ms: when, for the audit trail */
  now: number;
  /** the clock's monotonic reading: what rate windows measure (Clock.monotonic) */
  monotonic: number;
  /** set for orders the kill switch sends to flatten */
  fromKillSwitch: boolean;
}

/**
 * A rule that runs before an order (or an amendment) leaves the process.
 * It throws a TernError (RISK_REJECTED with details.rule) to refuse.
 */
export interface PreTradeCheck {
  check(order: OrderRecord, context: PreTradeContext): void;
  /** a dry run (orders.check): every refusal `check` would throw at this order, nothing recorded; without it the dry run asks `check` */
  preview?(order: OrderRecord, context: PreTradeContext): TernError[];
  /** told when an order was accepted into the OMS (counters, rate buckets) */
  onAccepted?(order: OrderRecord, context: PreTradeContext): void;
}
