import { ORDER_TYPES, SIDES, TIME_IN_FORCE } from './constants/orders.js';
import type { PlaceOrderParams } from './methods.js';
import { PATTERNS } from './schemas.js';

/**
 * orders.create's parameters in their plain form (what a strategy host
 * sends: account, symbol, side, type, quantity, the prices, time in force,
 * the two flags, a client order id), checked by hand against the same rules
 * as the contract's zod schema (methods.ts PlaceOrderParams) and given the
 * same defaults. Anything else — another field, a value the rules refuse, a
 * non-plain object — answers null, and the caller parses with the schema,
 * which refuses it with its usual error: this only ever accepts what the
 * schema accepts, and gives what the schema would give. It spares a
 * backtest's strategy orders the schema's general machinery (issue 15).
 */
export function placeOrderParamsFast(raw: unknown): PlaceOrderParams | null {
  if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return null;
  const p = raw as Record<string, unknown>;
  for (const key in p) if (!Object.hasOwn(p, key) || !PLAIN_FIELDS.has(key)) return null;
  const { account, symbol, side, type, quantity, price, stop_price, time_in_force, post_only, reduce_only, client_order_id } = p;
  if (account !== undefined && !(typeof account === 'string' && ACCOUNT_ID.test(account))) return null;
  if (!(typeof symbol === 'string' && SYMBOL.test(symbol))) return null;
  if (!(typeof side === 'string' && SIDE_SET.has(side))) return null;
  if (!(typeof type === 'string' && TYPE_SET.has(type))) return null;
  if (!positiveDecimal(quantity)) return null;
  if (price !== undefined && !positiveDecimal(price)) return null;
  if (stop_price !== undefined && !positiveDecimal(stop_price)) return null;
  if (time_in_force !== undefined && !(typeof time_in_force === 'string' && TIF_SET.has(time_in_force))) return null;
  if (post_only !== undefined && typeof post_only !== 'boolean') return null;
  if (reduce_only !== undefined && typeof reduce_only !== 'boolean') return null;
  if (client_order_id !== undefined && !(typeof client_order_id === 'string' && CLIENT_ORDER_ID.test(client_order_id))) return null;
  // a field given as undefined is left out (zod keeps it as an undefined key: the same to every reader)
  const out: Record<string, unknown> = {
    account: account ?? 'paper',
    symbol,
    side,
    type,
    quantity,
  };
  if (price !== undefined) out.price = price;
  if (stop_price !== undefined) out.stop_price = stop_price;
  out.time_in_force = time_in_force ?? 'GTC';
  out.post_only = post_only ?? false;
  out.reduce_only = reduce_only ?? false;
  if (client_order_id !== undefined) out.client_order_id = client_order_id;
  return out as PlaceOrderParams;
}

const PLAIN_FIELDS: ReadonlySet<string> = new Set(['account', 'symbol', 'side', 'type', 'quantity', 'price', 'stop_price', 'time_in_force', 'post_only', 'reduce_only', 'client_order_id']);
const SIDE_SET: ReadonlySet<string> = new Set(SIDES);
const TYPE_SET: ReadonlySet<string> = new Set(ORDER_TYPES);
const TIF_SET: ReadonlySet<string> = new Set(TIME_IN_FORCE);
const { accountId: ACCOUNT_ID, symbol: SYMBOL, clientOrderId: CLIENT_ORDER_ID, decimal: DECIMAL } = PATTERNS;
const NON_ZERO_DIGIT = /[1-9]/;

/** schemas.ts PositiveDecimal: a decimal string of at most 64 characters, not negative, not zero */
function positiveDecimal(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 64 && DECIMAL.test(v) && !v.startsWith('-') && NON_ZERO_DIGIT.test(v);
}
