import type { Balances, MarketInterface, Order, Trade } from 'ccxt';
import { Decimal, ZERO } from '../../engine/model/decimal.js';
import type { InstrumentSpec, OrderType, Side, TimeInForce } from '../../engine/model/types.js';
import type { VenueBalance, VenueFill, VenueOrderStatus } from '../../engine/ports/venue.js';
import { venueListIdOf } from './native-orders.js';

/**
 * ccxt's unified structures → Tern's records. ccxt hands out JS numbers
 * parsed from the exchange's decimal strings; String(number) gives back the
 * shortest decimal that parses to the same number, which is the exchange's
 * own string for every value up to 15 significant digits. Values ccxt
 * computes (cost, average) are not used: Tern computes them exactly.
 */
export function decOf(value: number | string | undefined | null): Decimal | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  try {
    return new Decimal(String(value));
  } catch {
    return null;
  }
}

/** ccxt's precisionMode values (ccxt's TICK_SIZE, DECIMAL_PLACES, SIGNIFICANT_DIGITS) */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** A precision entry as an increment: a tick size as it is, decimal places as 10^-n. */
export function incrementOf(precision: number | undefined, mode: number): Decimal | null {
  if (precision === undefined || precision === null) return null;
  if (mode === TICK_SIZE) return decOf(precision);
  if (mode === DECIMAL_PLACES) return new Decimal(10).pow(-precision);
  return null; // significant digits: no fixed increment
}

/** A spot market as an instrument with the exchange's filters; null for markets Tern cannot trade. */
export function instrumentOf(market: MarketInterface, precisionMode: number, defaultFees: { maker?: number; taker?: number } = {}): InstrumentSpec | null {
  if (!market.spot || market.active === false) return null;
  const priceIncrement = incrementOf(market.precision?.price, precisionMode);
  const sizeIncrement = incrementOf(market.precision?.amount, precisionMode);
  if (!priceIncrement || !sizeIncrement || priceIncrement.lte(0) || sizeIncrement.lte(0)) return null;
  const minQuantity = decOf(market.limits?.amount?.min) ?? sizeIncrement;
  return {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    priceIncrement,
    sizeIncrement,
    minQuantity: minQuantity.gt(0) ? minQuantity : sizeIncrement,
    minNotional: decOf(market.limits?.cost?.min) ?? ZERO,
    makerFee: decOf(market.maker ?? defaultFees.maker) ?? ZERO,
    takerFee: decOf(market.taker ?? defaultFees.taker) ?? ZERO,
  };
}

const STATUS: Record<string, VenueOrderStatus['status']> = {
  open: 'open',
  closed: 'filled',
  canceled: 'canceled',
  cancelled: 'canceled',
  expired: 'expired',
  rejected: 'rejected',
};

/** A ccxt order as the venue's view of it; null when it lacks an id or a status Tern knows. */
export function orderStatusOf(o: Order, now: number): VenueOrderStatus | null {
  const status = o.status ? STATUS[o.status] : undefined;
  if (!o.id || !status || !o.symbol) return null;
  const trigger = decOf(o.triggerPrice ?? (o as { stopPrice?: number }).stopPrice);
  const rawType = (o.type ?? 'limit').toLowerCase();
  const isMarket = rawType.includes('market');
  // ccxt unifies a take profit's type as market/limit with a triggerPrice: the exchange's own type (Binance TAKE_PROFIT(_LIMIT)) tells it from a stop
  const exchangeType = String(((o.info ?? {}) as Record<string, unknown>)['type'] ?? '').toLowerCase();
  const takeProfit = exchangeType.startsWith('take_profit') || rawType.startsWith('take_profit') || o.takeProfitPrice !== undefined && o.takeProfitPrice !== null;
  const triggerType: OrderType = takeProfit ? (isMarket ? 'take_profit_market' : 'take_profit_limit') : isMarket ? 'stop_market' : 'stop_limit';
  const type: OrderType = trigger ? triggerType : isMarket ? 'market' : 'limit';
  const tif = (o.timeInForce ?? 'GTC').toUpperCase();
  return {
    clientOrderId: o.clientOrderId ?? null,
    venueOrderId: String(o.id),
    symbol: o.symbol,
    side: o.side === 'sell' ? 'sell' : 'buy',
    type,
    status,
    quantity: decOf(o.amount) ?? ZERO,
    filled: decOf(o.filled) ?? ZERO,
    price: isMarket ? null : decOf(o.price),
    stopPrice: trigger,
    timeInForce: (tif === 'IOC' || tif === 'FOK' ? tif : 'GTC') as TimeInForce,
    postOnly: o.postOnly === true || tif === 'PO' || rawType === 'limit_maker',
    // the exchange's own list id (the venue maps it to Tern's group id)
    ocoListId: venueListIdOf(o.info),
    ts: o.lastUpdateTimestamp ?? o.timestamp ?? now,
  };
}

/** A ccxt trade of the account as a fill; null when it lacks what a fill needs. */
export function fillOf(t: Trade, now: number): VenueFill | null {
  const quantity = decOf(t.amount);
  const price = decOf(t.price);
  if (!t.id || !t.order || !t.symbol || !quantity || !price) return null;
  return {
    venueTradeId: String(t.id),
    venueOrderId: String(t.order),
    symbol: t.symbol,
    side: (t.side === 'sell' ? 'sell' : 'buy') as Side,
    quantity,
    price,
    fee: decOf(t.fee?.cost) ?? ZERO,
    feeAsset: t.fee?.currency ?? '',
    liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
    ts: t.timestamp ?? now,
  };
}

/** ccxt's balance structure as total and locked per asset (assets ccxt lists, zero included). */
export function balancesOf(b: Balances): VenueBalance[] {
  const out: VenueBalance[] = [];
  const totals = (b.total ?? {}) as unknown as Record<string, number | undefined>;
  const used = (b.used ?? {}) as unknown as Record<string, number | undefined>;
  for (const asset of Object.keys(totals).sort()) {
    const total = decOf(totals[asset]);
    if (!total) continue;
    out.push({ asset, total, locked: decOf(used[asset]) ?? ZERO });
  }
  return out;
}
