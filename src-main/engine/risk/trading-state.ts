import { TernError } from '../../../src-common/contract/errors.js';
import type { RiskState } from '../../../src-common/contract/schemas.js';
import { ZERO, str } from '../model/decimal.js';
import type { OrderRecord, Side } from '../model/types.js';
import type { PreTradeContext } from '../oms/pre-trade.js';
import { remaining } from '../oms/order-lifecycle.js';
import type { WorkingQuantity } from '../oms/active-orders.js';
import { reduction } from '../oms/order-validation.js';

export type TradingState = RiskState;

export interface TradingStatus {
  state: TradingState;
  reason: string;
  /** when the state was entered, ms */
  since: number;
}

export type { WorkingQuantity };

/** working orders on (account, symbol, side), the order being amended (exceptOrderId) left out */
export type WorkingOrders = (account: string, symbol: string, side: Side, exceptOrderId: string) => WorkingQuantity;

export const NO_WORKING_ORDERS: WorkingOrders = () => ({ reduceOnly: ZERO, other: ZERO });

/**
 * The trading state gate, the first check an order meets.
 *
 * ACTIVE passes everything. HALTED passes nothing but the orders the kill
 * switch sends to flatten. REDUCING passes only an order that shrinks the
 * position without ever flipping it, however the working orders fill:
 *   - it must be on the other side of the position (a sell against a long, a
 *     buy against a short), for no more than the position;
 *   - reduce_only orders cannot flip a position at the venue, but they can
 *     shrink it under plain orders that then would: so when any plain
 *     (not reduce_only) order works on that side, the plain and reduce_only
 *     orders together, this one included, must not exceed the position.
 *     A reduce_only order while no plain order works passes on its own (a stop
 *     loss and a take profit, each the full position, are fine).
 * Fills keep this true: each fill takes the same quantity off the position
 * and off the working orders.
 */
export class TradingStateGate {
  private current: TradingStatus;

  constructor(initial: TradingStatus) {
    this.current = initial;
  }

  get status(): TradingStatus {
    return this.current;
  }

  set(state: TradingState, reason: string, since: number): TradingStatus {
    this.current = { state, reason, since };
    return this.current;
  }

  check(order: OrderRecord, context: PreTradeContext, working: WorkingOrders): void {
    const { state, reason } = this.current;
    if (state === 'ACTIVE' || context.fromKillSwitch) return;
    if (state === 'HALTED') throw stateRefusal(`trading is HALTED (${reason}); no order passes but the kill switch's`, this.current);

    const position = context.position;
    const size = remaining(order);
    const effect = reduction(order.side, size, position);
    if (effect === 'grows') {
      throw stateRefusal(
        `trading is REDUCING (${reason}): a ${order.side} would grow the position ${str(position)} in ${order.symbol}`,
        this.current,
        { position: str(position), value: str(size) },
      );
    }
    if (effect === 'flips') {
      throw stateRefusal(
        `trading is REDUCING (${reason}): a ${order.side} of ${str(size)} would flip the position ${str(position)} in ${order.symbol}`,
        this.current,
        { position: str(position), value: str(size) },
      );
    }
    const others = working(order.account, order.symbol, order.side, order.id);
    const plain = order.reduceOnly ? others.other : others.other.add(size);
    if (plain.isZero()) return;
    const total = others.reduceOnly.add(others.other).add(size);
    if (total.gt(position.abs())) {
      throw stateRefusal(
        `trading is REDUCING (${reason}): with the ${order.side} orders already working (${str(total.sub(size))}) this ${str(size)} could flip the position ${str(position)} in ${order.symbol}`,
        this.current,
        { position: str(position), value: str(total), working: str(total.sub(size)) },
      );
    }
  }
}

function stateRefusal(message: string, status: TradingStatus, extra?: Record<string, unknown>): TernError {
  return new TernError('RISK_REJECTED', message, {
    rule: 'trading_state',
    state: status.state,
    reason: status.reason,
    limit: null,
    value: null,
    scope: { account: null, symbol: null },
    ...extra,
  });
}
