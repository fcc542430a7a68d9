import { TernError } from '../../../../src-common/contract/errors.js';
import { type Decimal, str } from '../../model/decimal.js';
import type { OrderRecord } from '../../model/types.js';
import { valuationPrice } from '../../oms/order-validation.js';
import type { PreTradeContext } from '../../oms/pre-trade.js';
import { type LimitScope, type ResolvedLimit, type RiskLimitName, scopeLabel } from '../limits.js';

/** The numbers one rule compared for one order: what the audit trail keeps. */
export interface RuleReading {
  rule: RiskLimitName;
  limit: Decimal;
  /** null when the order could not be valued (and was refused for it) */
  value: Decimal | null;
  scope: LimitScope;
}

/**
 * One pre-trade limit. The risk engine resolves the limit that applies to the
 * order and calls the rule only when one does. `check` throws RISK_REJECTED to
 * refuse and otherwise returns what it compared (undefined: the limit does not
 * concern this order, e.g. a price band for a market order).
 */
export interface PreTradeRule {
  readonly name: RiskLimitName;
  check(order: OrderRecord, context: PreTradeContext, limit: ResolvedLimit): RuleReading | undefined;
  /** the order passed every check and entered the OMS */
  onAccepted?(order: OrderRecord, context: PreTradeContext, limit: ResolvedLimit): void;
}

export function reading(limit: ResolvedLimit, value: Decimal | null): RuleReading {
  return { rule: limit.name, limit: limit.limit, value, scope: limit.scope };
}


/**
 * A reading whose value is worked out only when read (by the audit trail's
 * writer): for values the decision itself does not need, such as a
 * percentage whose Decimal division costs more than the whole check.
 * (A class: an object literal with a getter is several times slower to make.)
 */
class LazyReading implements RuleReading {
  readonly rule: RiskLimitName;
  readonly limit: Decimal;
  readonly scope: LimitScope;
  private computed: Decimal | undefined;

  constructor(
    limit: ResolvedLimit,
    private readonly compute: () => Decimal,
  ) {
    this.rule = limit.name;
    this.limit = limit.limit;
    this.scope = limit.scope;
  }

  get value(): Decimal {
    this.computed ??= this.compute();
    return this.computed;
  }
}

export function lazyReading(limit: ResolvedLimit, compute: () => Decimal): RuleReading {
  return new LazyReading(limit, compute);
}

/** RISK_REJECTED naming the rule, the limit, the value and the scope that set the limit. */
export function refusal(limit: ResolvedLimit, value: Decimal | null, what: string, extra?: Record<string, unknown>): TernError {
  return new TernError('RISK_REJECTED', `${limit.name} (${scopeLabel(limit.scope)}): ${what}`, {
    rule: limit.name,
    limit: str(limit.limit),
    value: value === null ? null : str(value),
    scope: limit.scope,
    ...extra,
  });
}

/** the price an order is valued at (valuationPrice), the mid when it names none */
export function referencePrice(order: OrderRecord, context: PreTradeContext): Decimal | undefined {
  return valuationPrice(order, context.mid);
}

/** a new order (not yet in the OMS), as opposed to an amendment of a working one */
export function isNewOrder(order: OrderRecord): boolean {
  return order.state === 'initialized';
}
