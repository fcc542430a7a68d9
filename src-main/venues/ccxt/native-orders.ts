/**
 * What an exchange holds natively through ccxt (stop orders, OCO lists,
 * trailing stops), and the one OCO request ccxt does not unify: Binance
 * spot's order list (POST /api/v3/orderList/oco, ccxt's implicit
 * privatePostOrderListOco). Protection an exchange holds survives Tern being
 * closed; what it does not hold, the engine emulates.
 */
import type { Exchange } from 'ccxt';
import { isTakeProfit, needsStopPrice, worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import type { Decimal } from '../../engine/model/decimal.js';
import type { OrderType } from '../../engine/model/types.js';
import { VenueRejection, type VenueCapabilities, type VenueOcoRequest, type VenueOrderRequest } from '../../engine/ports/venue.js';

type Flags = Record<string, unknown>;

/** ccxt's feature table for spot createOrder (what the unified params reach on this exchange). */
function spotCreateOrder(ex: Exchange): Flags {
  const features = (ex as unknown as { features?: Record<string, Flags | undefined> }).features;
  return ((features?.['spot'] as Flags | undefined)?.['createOrder'] as Flags | undefined) ?? {};
}

/** Whether ccxt exposes Binance's spot order-list endpoint for this exchange instance. */
export function hasBinanceOco(ex: Exchange): boolean {
  return typeof (ex as unknown as Flags)['privatePostOrderListOco'] === 'function';
}

/**
 * The constructs this exchange holds, from ccxt's own tables:
 * - stop orders: createOrder takes a trigger price (`features.spot.createOrder.triggerPrice` or `stopLossPrice`);
 * - take-profit orders: createOrder takes `takeProfitPrice` (binance spot: TAKE_PROFIT / TAKE_PROFIT_LIMIT);
 * - OCO: only Binance's order list (ccxt has no unified OCO);
 * - trailing stops: only where ccxt marks spot createOrder `trailing` and takes both a percent and an amount
 *   (binance is false there: its trailingDelta is not the unified trailing stop).
 */
export function capabilitiesOf(ex: Exchange): VenueCapabilities {
  const co = spotCreateOrder(ex);
  const has = ex.has as Flags;
  return {
    stopOrders: Boolean(co['triggerPrice'] || co['stopLossPrice']) && Boolean(has['createStopOrder'] || has['createTriggerOrder']),
    takeProfitOrders: co['takeProfitPrice'] === true && Boolean(has['createTakeProfitOrder'] || has['createTriggerOrder']),
    oco: hasBinanceOco(ex),
    trailingStop: co['trailing'] === true && Boolean(has['createTrailingPercentOrder']) && Boolean(has['createTrailingAmountOrder']),
  };
}

/**
 * Binance's orderList/oco parameters for Tern's OCO: the take-profit is the LIMIT_MAKER leg, the stop the
 * STOP_LOSS(_LIMIT) leg; a sell puts the take-profit above the market and the stop below, a buy the reverse.
 * Each leg carries Tern's client order id, the list Tern's group id.
 */
export function binanceOcoParams(ex: Exchange, r: VenueOcoRequest): Record<string, string> {
  const market = ex.market(r.symbol);
  const price = (p: { toFixed(): string }): string => String(ex.priceToPrecision(r.symbol, p.toFixed()));
  const tp = binanceTakeProfitLeg(r.takeProfit, price);
  const sl: Record<string, string> = r.stopLoss.price
    ? { Type: 'STOP_LOSS_LIMIT', StopPrice: price(r.stopLoss.stopPrice), Price: price(r.stopLoss.price), TimeInForce: 'GTC', ClientOrderId: r.stopLoss.clientOrderId }
    : { Type: 'STOP_LOSS', StopPrice: price(r.stopLoss.stopPrice), ClientOrderId: r.stopLoss.clientOrderId };
  const [above, below] = r.side === 'sell' ? [tp, sl] : [sl, tp];
  const out: Record<string, string> = {
    symbol: String(market.id),
    side: r.side.toUpperCase(),
    quantity: String(ex.amountToPrecision(r.symbol, r.quantity.toFixed())),
    listClientOrderId: r.ocoId,
    newOrderRespType: 'RESULT',
  };
  for (const [k, v] of Object.entries(above)) out[`above${k}`] = v;
  for (const [k, v] of Object.entries(below)) out[`below${k}`] = v;
  return out;
}

/** An OCO's take-profit leg as Binance's orderList/oco takes it: LIMIT_MAKER, TAKE_PROFIT or TAKE_PROFIT_LIMIT (GTC). */
function binanceTakeProfitLeg(leg: VenueOcoRequest['takeProfit'], price: (p: { toFixed(): string }) => string): Record<string, string> {
  const type = leg.type ?? 'limit';
  if (type === 'limit') return { Type: 'LIMIT_MAKER', Price: price(leg.price!), ClientOrderId: leg.clientOrderId };
  const trigger = { StopPrice: price(leg.stopPrice!), ClientOrderId: leg.clientOrderId };
  return type === 'take_profit_market' ? { Type: 'TAKE_PROFIT', ...trigger } : { Type: 'TAKE_PROFIT_LIMIT', ...trigger, Price: price(leg.price!), TimeInForce: 'GTC' };
}

/** One order list as Binance answers it (orderList/oco, orderList, openOrderList). */
export interface BinanceOrderList {
  orderListId: number | string;
  listClientOrderId: string;
  listOrderStatus?: string;
  orders?: Array<{ orderId: number | string; clientOrderId: string }>;
  orderReports?: Array<Record<string, unknown>>;
}

/** The exchange's list id an order reports (Binance: `orderListId` in REST, `g` in executionReport); null outside a list. */
export function venueListIdOf(info: unknown): string | null {
  const i = (info ?? {}) as Flags;
  const raw = i['orderListId'] ?? i['g'];
  if (raw === undefined || raw === null) return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? String(raw) : null;
}

/**
 * ccxt createOrder's type, price and params for one of Tern's orders: stops
 * through the unified `triggerPrice` (binance spot: STOP_LOSS for a market,
 * STOP_LOSS_LIMIT for a limit), take profits through `takeProfitPrice`
 * (TAKE_PROFIT, TAKE_PROFIT_LIMIT), trailing stops through `trailingPercent` /
 * `trailingAmount` and `trailingTriggerPrice` where the exchange holds them.
 */
export function createOrderArgs(request: VenueOrderRequest, caps: VenueCapabilities): { type: 'market' | 'limit'; price: number | undefined; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { clientOrderId: request.clientOrderId };
  if (request.type === 'trailing_stop') {
    const trailing = request.trailing;
    if (!caps.trailingStop || !trailing) throw new VenueRejection('this exchange holds no trailing stops through ccxt');
    params[trailing.unit === 'percent' ? 'trailingPercent' : 'trailingAmount'] = trailing.offset.toNumber();
    if (trailing.activationPrice) params['trailingTriggerPrice'] = trailing.activationPrice.toNumber();
    return { type: 'market', price: undefined, params };
  }
  if (isTakeProfit(request.type) && !caps.takeProfitOrders) throw new VenueRejection('this exchange holds no take-profit orders through ccxt');
  const isMarket = request.type === 'market' || worksAsMarketOnceTriggered(request.type);
  if (!isMarket) params['timeInForce'] = request.timeInForce;
  if (request.postOnly) params['postOnly'] = true;
  Object.assign(params, triggerParams(request.type, request.stopPrice));
  return { type: isMarket ? 'market' : 'limit', price: isMarket ? undefined : request.price?.toNumber(), params };
}

/** the unified createOrder param that makes an order of `type` a trigger order at `stopPrice`: a stop's triggerPrice, a take profit's takeProfitPrice */
export function triggerParams(type: OrderType, stopPrice: Decimal | null): Record<string, number> {
  if (!stopPrice || !needsStopPrice(type)) return {};
  return { [isTakeProfit(type) ? 'takeProfitPrice' : 'triggerPrice']: stopPrice.toNumber() };
}
