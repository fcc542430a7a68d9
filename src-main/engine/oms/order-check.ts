import type { HeldBy } from '../../../src-common/contract/constants/orders.js';
import { TernError } from '../../../src-common/contract/errors.js';
import type { OrderRecord } from '../model/types.js';
import type { IdSource } from '../ports/clock.js';
import type { PreTradeCheck, PreTradeContext } from './pre-trade.js';

/** What orders.check answers: who would hold the protective part, and what would refuse the order now. */
export interface OrderCheckResult {
  heldBy: HeldBy | null;
  refusals: TernError[];
}

/** ids for an order that is only looked at: a dry run takes none of the engine's */
export const PREVIEW_IDS: IdSource = { next: (prefix: string) => `${prefix}-check` };

/**
 * The pre-trade checks' verdicts on an order not sent: each check's own
 * preview when it has one (every refusal, nothing recorded), else its check
 * (the first refusal). Nothing is tracked or counted.
 */
export function previewChecks(order: OrderRecord, context: PreTradeContext, checks: readonly PreTradeCheck[]): TernError[] {
  const out: TernError[] = [];
  for (const check of checks) {
    if (check.preview) {
      out.push(...check.preview(order, context));
      continue;
    }
    try {
      check.check(order, context);
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      out.push(err);
    }
  }
  return out;
}

/** a drafting step's refusal as a result, anything else thrown on */
export function refusedAt(err: unknown, heldBy: HeldBy | null): OrderCheckResult {
  if (!(err instanceof TernError)) throw err;
  return { heldBy, refusals: [err] };
}
