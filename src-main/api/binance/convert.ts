import type { Balance, Fill, Instrument, Order } from '../../../src-common/contract/schemas.js';
import { TernError } from '../../../src-common/contract/errors.js';
import { needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import { Decimal } from '../../engine/model/decimal.js';
import { BinanceError, binanceErrors as errors } from './errors.js';
import type { BinanceOrderListView, BinanceOrderView, BinanceSymbolView, BinanceTradeView } from './format.js';

/** What Tern's orders, fills and instruments are in Binance's terms (the gateway's one mapping). */

const ZERO8 = '0.00000000';

/** Binance prints amounts with 8 decimals; Tern's are exact decimal strings. */
export function f8(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return ZERO8;
  return new Decimal(value).toFixed(8, Decimal.ROUND_DOWN);
}

/** Binance's symbol of an instrument: base and quote run together (BTC/USDT → BTCUSDT). */
export const binanceSymbol = (i: Pick<Instrument, 'base' | 'quote'>): string => `${i.base}${i.quote}`.toUpperCase();

export const BINANCE_ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'] as const;

export function symbolView(i: Instrument): BinanceSymbolView {
  return {
    symbol: binanceSymbol(i),
    base: i.base,
    quote: i.quote,
    tickSize: f8(i.price_increment),
    stepSize: f8(i.size_increment),
    minQty: f8(i.min_quantity),
    maxQty: '9000000.00000000',
    minNotional: f8(i.min_notional),
    orderTypes: BINANCE_ORDER_TYPES,
    ocoAllowed: true,
  };
}

const STATUS: Record<Order['status'], string> = {
  pending: 'NEW',
  open: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

/** an OCO's take profit is Binance's LIMIT_MAKER leg */
const isOcoTakeProfit = (o: Order): boolean => o.oco_id !== null && o.role === 'take_profit';

function binanceType(o: Order): string {
  if (o.type === 'limit') return o.post_only || isOcoTakeProfit(o) ? 'LIMIT_MAKER' : 'LIMIT';
  if (o.type === 'market') return 'MARKET';
  if (o.type === 'stop_limit') return 'STOP_LOSS_LIMIT';
  if (o.type === 'take_profit_limit') return 'TAKE_PROFIT_LIMIT';
  if (o.type === 'take_profit_market') return 'TAKE_PROFIT';
  return 'STOP_LOSS';
}

export interface OrderViewExtras {
  fills?: Fill[];
  /** the cancel request's own client id */
  cancelClientOrderId?: string;
  /** an OCO leg the other leg's execution ended (Binance: EXPIRED; Tern: canceled with "oco: …") */
  expired?: boolean;
}

/**
 * A stop or take profit waiting for its trigger is not working yet (Binance: isWorking false, workingTime -1);
 * once it fired (triggered_at, set by whoever fired it: the venue or Tern) a limit resting unfilled is working.
 * A venue that reports no trigger (an exchange's own stop) shows it by a fill.
 */
export function waitingForTrigger(o: Pick<Order, 'type' | 'status' | 'triggered_at'>, filled: Decimal): boolean {
  return needsStopPrice(o.type) && !o.triggered_at && filled.isZero() && (o.status === 'open' || o.status === 'pending');
}

export function orderView(o: Order, symbol: string, extras: OrderViewExtras = {}): BinanceOrderView {
  const { fills = [], cancelClientOrderId, expired = false } = extras;
  const filled = new Decimal(o.filled_quantity);
  const quote = o.average_price === null ? new Decimal(0) : filled.mul(o.average_price);
  const time = Date.parse(o.created_at);
  const waiting = waitingForTrigger(o, filled);
  return {
    symbol,
    orderId: o.id,
    orderListId: o.oco_id ?? -1,
    clientOrderId: o.client_order_id,
    price: f8(o.price),
    origQty: f8(o.quantity),
    executedQty: f8(o.filled_quantity),
    origQuoteOrderQty: ZERO8,
    cummulativeQuoteQty: quote.toFixed(8, Decimal.ROUND_DOWN),
    status: expired ? 'EXPIRED' : STATUS[o.status],
    timeInForce: o.time_in_force,
    type: binanceType(o),
    side: o.side.toUpperCase(),
    stopPrice: o.stop_price === null ? null : f8(o.stop_price),
    time,
    updateTime: Date.parse(o.updated_at),
    // a triggered one works from when it fired (Binance's workingTime); a venue that never says (a fill did) from its placing
    workingTime: waiting ? -1 : o.triggered_at !== null && o.triggered_at !== undefined ? Date.parse(o.triggered_at) : time,
    isWorking: o.type !== 'market' && !waiting && (o.status === 'open' || o.status === 'partially_filled'),
    fills: fills.map((f) => ({ price: f8(f.price), qty: f8(f.quantity), commission: f8(f.fee), commissionAsset: f.fee_asset, tradeId: f.id })),
    cancelClientOrderId,
  };
}

/** The legs of one OCO list that the other leg's execution ended: canceled while its sibling filled (some or all). */
export function expiredLegs(orders: Order[]): Set<string> {
  const out = new Set<string>();
  const byList = new Map<string, Order[]>();
  for (const o of orders) if (o.oco_id !== null) byList.set(o.oco_id, [...(byList.get(o.oco_id) ?? []), o]);
  for (const legs of byList.values()) {
    for (const o of legs) {
      if (o.status === 'canceled' && legs.some((x) => x !== o && !new Decimal(x.filled_quantity).isZero())) out.add(o.id);
    }
  }
  return out;
}

/** The list client id Tern's legs carry: `<list>-tp` and `<list>-sl` (PlaceOcoParams.client_order_id). */
export const listClientIdOf = (o: Order): string => o.client_order_id.replace(/-(tp|sl)$/, '');

/** One OCO list from its legs (stop leg first, as Binance lists them). */
export function orderListView(legs: Order[], symbol: string): BinanceOrderListView {
  const sorted = [...legs].sort((a, b) => (a.role === b.role ? 0 : a.role === 'stop_loss' ? -1 : 1));
  const expired = expiredLegs(sorted);
  const working = sorted.some((o) => o.status === 'open' || o.status === 'partially_filled' || o.status === 'pending');
  const rejected = sorted.every((o) => o.status === 'rejected');
  const first = sorted[0]!;
  return {
    orderListId: first.oco_id ?? -1,
    contingencyType: 'OCO',
    listStatusType: rejected ? 'REJECT' : working ? 'EXEC_STARTED' : 'ALL_DONE',
    listOrderStatus: rejected ? 'REJECT' : working ? 'EXECUTING' : 'ALL_DONE',
    listClientOrderId: listClientIdOf(first),
    transactionTime: Math.max(...sorted.map((o) => Date.parse(o.updated_at))),
    symbol,
    orders: sorted.map((o) => orderView(o, symbol, { expired: expired.has(o.id) })),
  };
}

/** The client id of a cancel that did not name its own (DELETE order without newClientOrderId, DELETE openOrders). */
export const cancelClientId = (o: Pick<Order, 'client_order_id'>): string => `cancel-${o.client_order_id}`.slice(0, 36);

/** `orderListId`: the OCO list of the fill's order (Tern's oco_id), -1 for none */
export function tradeView(f: Fill, symbol: string, orderListId: string | number = -1): BinanceTradeView {
  return {
    symbol,
    id: f.id,
    orderId: f.order_id,
    orderListId,
    price: f8(f.price),
    qty: f8(f.quantity),
    quoteQty: new Decimal(f.quantity).mul(f.price).toFixed(8, Decimal.ROUND_DOWN),
    commission: f8(f.fee),
    commissionAsset: f.fee_asset,
    time: Date.parse(f.ts),
    isBuyer: f.side === 'buy',
    isMaker: f.liquidity === 'maker',
  };
}

export const balanceView = (b: Balance) => ({ asset: b.asset, free: f8(b.free), locked: f8(b.locked) });

/** Tern's order fields as Binance's parameter names, for refusals that name one. */
const PARAM: Record<string, string> = {
  quantity: 'quantity',
  price: 'price',
  stop_price: 'stopPrice',
  client_order_id: 'newClientOrderId',
  time_in_force: 'timeInForce',
  side: 'side',
  type: 'type',
  symbol: 'symbol',
  post_only: 'type',
};

/**
 * A Tern refusal as the Binance error bots handle: a filter (-1013) for an
 * order's quantity, price or notional, a rejected order (-2010, Tern's reason
 * in msg: risk rules, the kill switch, a venue refusal), unknown orders
 * (-2011 on cancel, -2013 on query), the key (-2015), the rate (-1003).
 */
export function binanceErrorOf(err: unknown, during: 'order' | 'cancel' | 'query' | 'other'): BinanceError {
  if (err instanceof BinanceError) return err;
  if (!(err instanceof TernError)) return errors.unknown();
  const field = typeof err.details?.['field'] === 'string' ? (err.details['field'] as string) : undefined;
  switch (err.code) {
    case 'INVALID_ORDER': {
      // a trigger Tern holds that the market already reached: as the exchange refuses its own
      if (err.details?.['rule'] === 'would_trigger_immediately') return errors.wouldTrigger();
      if (/notional/i.test(err.message)) return new BinanceError(400, -1013, `Filter failure: NOTIONAL (${err.message})`);
      if (field === 'quantity') return new BinanceError(400, -1013, `Filter failure: LOT_SIZE (${err.message})`);
      if (field === 'price' || field === 'stop_price') return new BinanceError(400, -1013, `Filter failure: PRICE_FILTER (${err.message})`);
      const rule = typeof err.details?.['rule'] === 'string' ? `${err.details['rule'] as string}: ` : '';
      return errors.rejected(`${rule}${err.message}`);
    }
    case 'BAD_REQUEST': {
      const name = field === undefined ? undefined : (PARAM[field] ?? field);
      return name === undefined ? new BinanceError(400, -1100, err.message) : new BinanceError(400, -1130, `Data sent for parameter '${name}' is not valid: ${err.message}`);
    }
    case 'RISK_REJECTED':
    case 'CONFLICT': {
      // the rule leads, so a bot's log says which limit refused it
      const rule = typeof err.details?.['rule'] === 'string' ? `${err.details['rule'] as string}: ` : '';
      return new BinanceError(400, during === 'cancel' ? -2011 : -2010, `${rule}${err.message}`);
    }
    case 'NOT_FOUND':
      return during === 'cancel' ? errors.unknownOrder() : during === 'query' ? errors.orderDoesNotExist() : new BinanceError(400, -1121, err.message);
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return errors.invalidApiKey();
    case 'RATE_LIMITED':
      return new BinanceError(429, -1003, err.message, {});
    case 'VENUE_UNAVAILABLE':
      return errors.unavailable(err.message);
    default:
      return errors.unknown();
  }
}

/** A rejected order's reason as Binance says it (the exact messages ccxt maps to InsufficientFunds and OrderImmediatelyFillable). */
export function rejectionOf(o: Order): BinanceError {
  const reason = o.reject_reason ?? 'order rejected';
  if (/insufficient/i.test(reason)) return errors.insufficientBalance();
  // a stop or take profit the market already reached (the venue's reason: "... would trigger immediately: last price ...")
  if (/would trigger immediately/.test(reason)) return errors.wouldTrigger();
  return errors.rejected(reason);
}

/** Binance's symbol of Tern's instrument symbol (BTC/USDT → BTCUSDT). */
export const binanceSymbolOf = (ternSymbol: string): string => ternSymbol.replace('/', '').toUpperCase();
