import type * as S from '../contract/schemas.js';
import { type Decimal, str } from './model/decimal.js';
import { publicStatus } from './model/order-state.js';
import type { BalanceRecord, FillRecord, InstrumentSpec, OrderRecord, PositionRecord } from './model/types.js';
import { unrealizedPnl } from './portfolio/position.js';

/** Internal records → the protocol's wire shapes (decimal strings, ISO times). */
export const iso = (ms: number): string => new Date(ms).toISOString();
const opt = (d: Decimal | null | undefined): string | null => (d ? str(d) : null);

export function orderDto(o: OrderRecord): S.Order {
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    account: o.account,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    quantity: str(o.quantity),
    price: opt(o.price),
    stop_price: opt(o.stopPrice),
    time_in_force: o.timeInForce,
    post_only: o.postOnly,
    reduce_only: o.reduceOnly,
    status: publicStatus(o.state, o.filledQuantity.gt(0)),
    filled_quantity: str(o.filledQuantity),
    average_price: opt(o.averagePrice),
    fees: str(o.fees),
    reject_reason: o.rejectReason,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

export function fillDto(f: FillRecord): S.Fill {
  return {
    id: f.id,
    order_id: f.orderId,
    client_order_id: f.clientOrderId,
    account: f.account,
    symbol: f.symbol,
    side: f.side,
    quantity: str(f.quantity),
    price: str(f.price),
    fee: str(f.fee),
    fee_asset: f.feeAsset,
    liquidity: f.liquidity,
    ts: iso(f.ts),
  };
}

export function positionDto(p: PositionRecord, mark: Decimal | undefined): S.Position {
  return {
    account: p.account,
    symbol: p.symbol,
    quantity: str(p.quantity),
    average_price: opt(p.averagePrice),
    realized_pnl: str(p.realizedPnl),
    unrealized_pnl: str(unrealizedPnl(p, mark)),
    mark_price: opt(mark),
  };
}

export function balanceDto(b: BalanceRecord): S.Balance {
  return { account: b.account, asset: b.asset, total: str(b.total), free: str(b.total.sub(b.locked)), locked: str(b.locked) };
}

export function instrumentDto(account: string, i: InstrumentSpec): S.Instrument {
  return {
    account,
    symbol: i.symbol,
    base: i.base,
    quote: i.quote,
    price_increment: str(i.priceIncrement),
    size_increment: str(i.sizeIncrement),
    min_quantity: str(i.minQuantity),
    min_notional: str(i.minNotional),
    maker_fee: str(i.makerFee),
    taker_fee: str(i.takerFee),
  };
}
