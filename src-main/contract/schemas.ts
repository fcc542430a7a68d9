import { z } from 'zod';

/** Decimal numbers travel as strings: "0.001", "-12.5". No exponents, no NaN. */
export const DecimalString = z
  .string()
  .max(64)
  .regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "0.001"')
  .describe('decimal number as a string');
export const PositiveDecimal = DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), 'must be greater than zero');

export const IsoTime = z.string().describe('ISO 8601 UTC time with milliseconds');
export const Id = z.string().min(1).max(64);
export const AccountId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, _ and - (max 32)');
export const Symbol = z.string().regex(/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$/, 'a symbol such as "BTC/USDT"');
export const ClientOrderId = z.string().regex(/^[A-Za-z0-9._:-]{1,36}$/, '1 to 36 of A-Z a-z 0-9 . _ : -');

export const Side = z.enum(['buy', 'sell']);
export const OrderType = z.enum(['market', 'limit', 'stop_market', 'stop_limit']);
export const TimeInForce = z.enum(['GTC', 'IOC', 'FOK']);
export const OrderStatus = z.enum(['pending', 'open', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired']);
export const Scope = z.enum(['read', 'trade', 'admin']);
export const Mode = z.enum(['paper', 'live']);

export const Order = z.object({
  id: z.string(),
  client_order_id: z.string(),
  account: z.string(),
  symbol: z.string(),
  side: Side,
  type: OrderType,
  quantity: DecimalString,
  price: DecimalString.nullable(),
  stop_price: DecimalString.nullable(),
  time_in_force: TimeInForce,
  post_only: z.boolean(),
  reduce_only: z.boolean(),
  status: OrderStatus,
  filled_quantity: DecimalString,
  average_price: DecimalString.nullable(),
  fees: DecimalString,
  reject_reason: z.string().nullable(),
  created_at: IsoTime,
  updated_at: IsoTime,
});
export type Order = z.infer<typeof Order>;

export const Fill = z.object({
  id: z.string(),
  order_id: z.string(),
  client_order_id: z.string(),
  account: z.string(),
  symbol: z.string(),
  side: Side,
  quantity: DecimalString,
  price: DecimalString,
  fee: DecimalString,
  fee_asset: z.string(),
  liquidity: z.enum(['maker', 'taker']),
  ts: IsoTime,
});
export type Fill = z.infer<typeof Fill>;

export const Position = z.object({
  account: z.string(),
  symbol: z.string(),
  quantity: DecimalString.describe('signed: negative is short'),
  average_price: DecimalString.nullable(),
  realized_pnl: DecimalString,
  unrealized_pnl: DecimalString,
  mark_price: DecimalString.nullable(),
});
export type Position = z.infer<typeof Position>;

export const Balance = z.object({
  account: z.string(),
  asset: z.string(),
  total: DecimalString,
  free: DecimalString,
  locked: DecimalString,
});
export type Balance = z.infer<typeof Balance>;

export const Portfolio = z.object({
  quote_asset: z.string(),
  equity: DecimalString,
  realized_pnl: DecimalString,
  unrealized_pnl: DecimalString,
  fees_paid: DecimalString,
});
export type Portfolio = z.infer<typeof Portfolio>;

export const Instrument = z.object({
  account: z.string(),
  symbol: z.string(),
  base: z.string(),
  quote: z.string(),
  price_increment: DecimalString,
  size_increment: DecimalString,
  min_quantity: DecimalString,
  min_notional: DecimalString,
  maker_fee: DecimalString,
  taker_fee: DecimalString,
});
export type Instrument = z.infer<typeof Instrument>;

export const Ticker = z.object({
  account: z.string(),
  symbol: z.string(),
  bid: DecimalString.nullable(),
  ask: DecimalString.nullable(),
  last: DecimalString.nullable(),
  ts: IsoTime.nullable(),
});
export type Ticker = z.infer<typeof Ticker>;

export const Level = z.tuple([DecimalString, DecimalString]);
export const Book = z.object({
  account: z.string(),
  symbol: z.string(),
  bids: z.array(Level),
  asks: z.array(Level),
  ts: IsoTime.nullable(),
});
export type Book = z.infer<typeof Book>;

export const Candle = z.tuple([z.number().int(), DecimalString, DecimalString, DecimalString, DecimalString, DecimalString]);
export type Candle = z.infer<typeof Candle>;

export const Trade = z.object({
  account: z.string(),
  symbol: z.string(),
  price: DecimalString,
  quantity: DecimalString,
  side: Side.describe('aggressor side'),
  ts: IsoTime,
});
export type Trade = z.infer<typeof Trade>;

export const Account = z.object({
  id: z.string(),
  exchange: z.string(),
  mode: Mode,
  status: z.string(),
});
export type Account = z.infer<typeof Account>;

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  created_at: IsoTime,
});
export type ApiKey = z.infer<typeof ApiKey>;
export const CreatedApiKey = ApiKey.extend({ key: z.string().describe('shown once, in this response only') });

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  mode: z.string(),
  uptime_ms: z.number().int(),
});
