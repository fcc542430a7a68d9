import { z } from 'zod';
import { MODES } from './constants/accounts.js';
import { HELD_BY, LIQUIDITIES, ORDER_STATUSES, ORDER_TYPES, PROTECTION_ROLES, SIDES, TIME_IN_FORCE, TRAILING_UNITS } from './constants/orders.js';
import { KEY_LIMIT_NAMES, RISK_LIMIT_NAMES, RISK_STATES } from './constants/risk.js';
import { KEY_RATE_LIMIT_MAX, SCOPES } from './constants/scopes.js';

/** the text patterns of the schemas below, also checked by hand where the schema's machinery is too slow (place-order-fast.ts) */
export const PATTERNS = {
  decimal: /^-?(0|[1-9]\d*)(\.\d+)?$/,
  accountId: /^[a-z0-9][a-z0-9_-]{0,31}$/,
  symbol: /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$/,
  clientOrderId: /^[A-Za-z0-9._:-]{1,36}$/,
} as const;

/** Decimal numbers travel as strings: "0.001", "-12.5". No exponents, no NaN. */
export const DecimalString = z
  .string()
  .max(64)
  .regex(PATTERNS.decimal, 'must be a decimal string such as "0.001"')
  .describe('decimal number as a string');
export const PositiveDecimal = DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), 'must be greater than zero');

export const IsoTime = z.string().describe('ISO 8601 UTC time with milliseconds');
export const Id = z.string().min(1).max(64);
export const AccountId = z.string().regex(PATTERNS.accountId, 'lowercase letters, digits, _ and - (max 32)');
export const Symbol = z.string().regex(PATTERNS.symbol, 'a symbol such as "BTC/USDT"');
export const ClientOrderId = z.string().regex(PATTERNS.clientOrderId, '1 to 36 of A-Z a-z 0-9 . _ : -');

export const Side = z.enum(SIDES);
export const OrderType = z.enum(ORDER_TYPES);
export const TimeInForce = z.enum(TIME_IN_FORCE);
export const OrderStatus = z.enum(ORDER_STATUSES);
export const Scope = z.enum(SCOPES);
export const Mode = z.enum(MODES);

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
  strategy_id: z.string().nullable().describe('the strategy that placed it; null: placed by hand or by an API caller'),
  key_id: z.string().nullable().describe('the API key that placed it (REST, WebSocket or the Binance gateway); null: the desktop app, a strategy or the CLI'),
  // issue 12: protective orders
  held_by: z.enum(HELD_BY).describe('who holds the trigger or the OCO link: "venue", or "tern" (works only while Tern runs)'),
  oco_id: z.string().nullable().describe('the OCO group the order is a leg of'),
  parent_id: z.string().nullable().describe('an attached exit: the entry order it protects'),
  role: z.enum(PROTECTION_ROLES).nullable(),
  exits: z.array(z.string()).describe("an entry's attached take-profit and stop-loss orders"),
  trailing_offset: DecimalString.nullable(),
  trailing_unit: z.enum(TRAILING_UNITS).nullable(),
  activation_price: DecimalString.nullable(),
  triggered_at: IsoTime.nullable().describe("when a stop's, take profit's or trailing stop's trigger fired (it works from then on); null while it waits, and for other types"),
});
export type Order = z.infer<typeof Order>;

/** an OCO group: its id and its legs, take profit first */
export const OcoGroup = z.object({ oco_id: z.string(), orders: z.array(Order) });
export type OcoGroup = z.infer<typeof OcoGroup>;

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
  liquidity: z.enum(LIQUIDITIES),
  ts: IsoTime,
  strategy_id: z.string().nullable().describe("its order's strategy; null: a manual or API order"),
});
export type Fill = z.infer<typeof Fill>;

/** a share of an account's position: a strategy's, or the trader's (strategy_id null) */
export const OwnerShare = z.object({ strategy_id: z.string().nullable(), quantity: DecimalString.describe('signed: negative is short') });
export type OwnerShare = z.infer<typeof OwnerShare>;

export const Position = z.object({
  account: z.string(),
  symbol: z.string(),
  quantity: DecimalString.describe('signed: negative is short'),
  average_price: DecimalString.nullable(),
  realized_pnl: DecimalString,
  unrealized_pnl: DecimalString,
  mark_price: DecimalString.nullable(),
  owners: z.array(OwnerShare).optional().describe('who holds the position: the trader (strategy_id null) and each strategy with a share'),
});
export type Position = z.infer<typeof Position>;

/** a strategy's own position: the per-strategy ledger */
export const StrategyPosition = z.object({
  strategy_id: z.string(),
  account: z.string(),
  symbol: z.string(),
  quantity: DecimalString.describe('signed: negative is short'),
  average_price: DecimalString.nullable(),
  realized_pnl: DecimalString,
  unrealized_pnl: DecimalString,
  fees: DecimalString,
  mark_price: DecimalString.nullable(),
});
export type StrategyPosition = z.infer<typeof StrategyPosition>;

/** positions.close: the order, and whose shares of the position it closes */
export const ClosedPosition = Order.extend({
  closes: z.array(OwnerShare).describe('the owners whose quantities the close takes: the trader first, then strategies in id order'),
});
export type ClosedPosition = z.infer<typeof ClosedPosition>;

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
  /** a paper market replaying a file on this computer's clock: the file, the span of its data, and when it began playing (candles before are the file's first bars) */
  replay: z
    .object({ name: z.string(), data_from: z.string(), data_to: z.string(), playing_since: z.string() })
    .optional(),
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

/** A print of the market (the feed's public trades, not the account's own fills). */
export const Trade = z.object({
  id: z.number().int().positive().describe('numbered per account and symbol from 1 since Tern started (the `trades` event and GET /api/v1/trades share the numbers)'),
  account: z.string(),
  symbol: z.string(),
  price: DecimalString,
  quantity: DecimalString,
  side: Side.describe('aggressor side'),
  ts: IsoTime,
});
export type Trade = z.infer<typeof Trade>;

/** How fresh one symbol's market data is: `waiting` before its first update. */
export const MarketDataState = z.enum(['connected', 'reconnecting', 'stale', 'waiting']);

export const MarketDataStatus = z
  .object({
    state: MarketDataState.describe('the worst of its symbols: reconnecting, then stale, then connected'),
    last_update: IsoTime.nullable().describe('the newest update of any watched symbol'),
    seconds_since_update: z.number().nullable(),
    symbols: z.array(z.object({ symbol: z.string(), state: MarketDataState, last_update: IsoTime.nullable(), seconds_since_update: z.number().nullable() })),
  })
  .describe("an exchange account's live market data (accounts on ccxt exchanges)");
export type MarketDataStatus = z.infer<typeof MarketDataStatus>;

export const Account = z.object({
  id: z.string(),
  exchange: z.string(),
  mode: Mode,
  status: z
    .string()
    .describe("'active', 'stale' (market data silent), 'degraded' (exchange requests failing, a private stream down, orders unresolved), 'disconnected' (reconnecting), 'error' (cannot open, key or clock refused), 'deleted'"),
  reason: z.string().nullable().optional().describe('why the status is not active'),
  market_data: MarketDataStatus.optional(),
  dead_man_switch: z
    .object({
      available: z.boolean().describe('the exchange offers cancel-all-after through ccxt'),
      timeout_s: z.number().int().nullable().describe('seconds after the last heartbeat at which the exchange cancels resting orders; null: off'),
      armed: z.boolean().describe('the exchange took the last heartbeat'),
      reason: z.string().nullable().describe('why it is unavailable, or why the last heartbeat failed'),
    })
    .optional()
    .describe("live accounts: the dead-man switch (if Tern stops, the exchange cancels the account's resting orders)"),
});
export type Account = z.infer<typeof Account>;

/** A history download (market.download): paginated, resumable, cached in SQLite. */
export const DownloadJob = z.object({
  id: z.string(),
  account: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  since: IsoTime,
  until: IsoTime,
  status: z.enum(['running', 'done', 'failed', 'canceled']),
  fetched: z.number().int().describe('candles of the window in the cache so far'),
  total_estimate: z.number().int().describe('candles the window holds at most'),
  progress: z.number().min(0).max(1),
  error: z.string().optional(),
  started_at: IsoTime,
  updated_at: IsoTime,
});
export type DownloadJob = z.infer<typeof DownloadJob>;



export const Health = z.object({
  status: z.enum(['ok', 'degraded']).describe('degraded: alive, but trading is halted for the reason given (e.g. the store cannot be written)'),
  reason: z.string().optional().describe('why degraded'),
  version: z.string(),
  mode: z.string(),
  uptime_ms: z.number().int(),
});

// ---- Risk (API.md, Risk) ----

export const RiskState = z.enum(RISK_STATES);
export type RiskState = z.infer<typeof RiskState>;

export const RiskLimitName = z.enum(RISK_LIMIT_NAMES);
export type RiskLimitName = z.infer<typeof RiskLimitName>;

const NonNegativeDecimal = DecimalString.refine((s) => !s.startsWith('-'), 'must not be negative');
const WholeNumber = DecimalString.regex(/^(0|[1-9]\d*)(\.0+)?$/, 'must be a whole number such as "5"');
const Percent = DecimalString.regex(/^(100(\.0+)?|\d{1,2}(\.\d+)?)$/, 'must be a percentage from "0" to "100"');

const riskLimitShape = {
  max_order_quantity: NonNegativeDecimal,
  max_order_notional: NonNegativeDecimal.describe('quote currency; market orders are valued at the mid'),
  max_position_notional: NonNegativeDecimal.describe('quote currency; the position after the order fills'),
  max_open_orders: WholeNumber,
  max_orders_per_second: PositiveDecimal.describe('a token bucket holding max(1, this) orders, refilled at this rate'),
  price_band_pct: NonNegativeDecimal.describe('percent: a limit price further than this from the mid is refused'),
  max_daily_loss: NonNegativeDecimal.describe('quote currency, realized + unrealized since 00:00 UTC'),
  max_drawdown_pct: Percent.describe('percent below the equity peak'),
  max_consecutive_losses: WholeNumber.describe('losing round trips in a row'),
} satisfies Record<RiskLimitName, z.ZodType>; // a limit name without a value schema does not compile

/** Limits as they are set: every name optional. */
export const RiskLimitValues = z.strictObject(riskLimitShape).partial();
export type RiskLimitValues = z.infer<typeof RiskLimitValues>;

/** A change to the limits of one scope: a value sets a limit, `null` removes it, a missing name leaves it as it is. */
export const RiskLimitsPatch = z.strictObject({
  max_order_quantity: riskLimitShape.max_order_quantity.nullable().optional(),
  max_order_notional: riskLimitShape.max_order_notional.nullable().optional(),
  max_position_notional: riskLimitShape.max_position_notional.nullable().optional(),
  max_open_orders: riskLimitShape.max_open_orders.nullable().optional(),
  max_orders_per_second: riskLimitShape.max_orders_per_second.nullable().optional(),
  price_band_pct: riskLimitShape.price_band_pct.nullable().optional(),
  max_daily_loss: riskLimitShape.max_daily_loss.nullable().optional(),
  max_drawdown_pct: riskLimitShape.max_drawdown_pct.nullable().optional(),
  max_consecutive_losses: riskLimitShape.max_consecutive_losses.nullable().optional(),
});
export type RiskLimitsPatch = z.infer<typeof RiskLimitsPatch>;

// ---- Per-bot keys (issue 14) ----

export const KeyRateLimit = z.strictObject({
  per_second: z.number().positive().max(KEY_RATE_LIMIT_MAX.per_second).describe(`requests (REST calls, WebSocket messages, Binance gateway calls) refilled per second; at most ${KEY_RATE_LIMIT_MAX.per_second}`),
  burst: z.number().int().min(1).max(KEY_RATE_LIMIT_MAX.burst).describe(`how many may come at once; at most ${KEY_RATE_LIMIT_MAX.burst}`),
});
export type KeyRateLimit = z.infer<typeof KeyRateLimit>;

/** the limits a key's own scope takes (KEY_LIMIT_NAMES), values as in the Risk routes */
export const KeyRiskLimits = z.strictObject(Object.fromEntries(KEY_LIMIT_NAMES.map((n) => [n, riskLimitShape[n].optional()])) as { [N in (typeof KEY_LIMIT_NAMES)[number]]: z.ZodOptional<(typeof riskLimitShape)[N]> });
export type KeyRiskLimits = z.infer<typeof KeyRiskLimits>;

export const KeyUsage = z.object({
  orders_today: z.number().int().describe('orders the key placed since 00:00 UTC'),
  open_orders: z.number().int().describe('its working orders now'),
  open_notional: DecimalString.describe('quantity left × price of its working orders (stops at their stop price, market orders at the mid), summed over quote currencies'),
  orders_last_second: z.number().int().describe('orders it placed in the last second'),
});

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  created_at: IsoTime,
  expires_at: IsoTime.nullable().describe('when the key stops working; null: until revoked'),
  rate_limit: KeyRateLimit.nullable().describe("the key's own request rate; null: the server's default (50 per second, burst 100, unless the server was started with another)"),
  accounts: z.array(z.string()).nullable().describe('the accounts the key may trade; null: all'),
  risk_limits: RiskLimitValues.describe("the key's own risk limits (the `key` scope of the Risk routes), on every order it places"),
  halted: z.object({ at: IsoTime, by: z.string(), reason: z.string() }).nullable().describe('set by POST /api/v1/keys/{id}/halt: its new orders are refused; null: trading'),
  usage: KeyUsage.optional().describe('GET /api/v1/keys only'),
});
export type ApiKey = z.infer<typeof ApiKey>;
export const CreatedApiKey = ApiKey.extend({ key: z.string().describe('shown once, in this response only') });
export const HaltedApiKey = ApiKey.extend({ canceled: z.array(z.string()).describe('its working orders canceled by the halt'), failed: z.array(z.object({ id: z.string(), error: z.unknown() })).describe('cancels the venue refused') });

export const RiskScopedLimits = z.object({
  account: z.string().nullable().describe('null: every account'),
  symbol: z.string().nullable().describe('null: every symbol of the account'),
  strategy: z.string().optional().describe("a strategy's own limits (on its orders and its ledger; account and symbol are null)"),
  key: z.string().optional().describe("an API key's own limits (on every order it places; account and symbol are null)"),
  limits: RiskLimitValues,
});

export const RiskUsageRow = z.object({
  account: z.string().nullable(),
  symbol: z.string().nullable(),
  value: DecimalString,
  limit: DecimalString.nullable(),
});

export const RiskUsage = z.object({
  open_orders: z.array(RiskUsageRow).describe('working orders, per scope that sets max_open_orders'),
  orders_per_second: z.array(RiskUsageRow).describe('orders drawn from the token bucket, per scope that sets max_orders_per_second'),
  daily_loss: z.array(RiskUsageRow).describe('loss since 00:00 UTC (negative: a gain), all accounts and each account'),
  drawdown_pct: z.array(RiskUsageRow).describe('percent below the equity peak'),
  consecutive_losses: z.array(RiskUsageRow).describe('losing round trips in a row'),
});

export const RiskTrip = z.object({
  rule: z.string(),
  account: z.string().nullable().describe('null: all accounts together (or a strategy)'),
  strategy: z.string().optional().describe("a strategy's own breaker: that strategy was halted, the account's trading was not"),
  tripped_at: IsoTime,
  reason: z.string(),
  limit: DecimalString,
  value: DecimalString,
});

export const Risk = z.object({
  state: RiskState,
  reason: z.string(),
  since: IsoTime,
  limits: z.array(RiskScopedLimits),
  usage: RiskUsage,
  breakers: z.array(RiskTrip).describe('breaker trips, oldest first'),
});
export type Risk = z.infer<typeof Risk>;

export const KillSwitchReport = z.object({
  state: RiskState,
  canceled: z.array(z.string()).describe('ids of the orders the kill switch canceled'),
  failed: z.array(
    z.object({
      id: z.string().describe('an order id (cancel) or ACCOUNT:SYMBOL (close)'),
      action: z.enum(['cancel', 'close']),
      error: z.string(),
    }),
  ),
  flattened: z.array(z.object({ account: z.string(), symbol: z.string(), order_id: z.string(), quantity: DecimalString })),
});
export type KillSwitchReport = z.infer<typeof KillSwitchReport>;

// ---- Accounts and reconciliation (API.md: POST/DELETE /api/v1/accounts, POST /api/v1/reconcile) ----

/** a ccxt exchange id ("binance", "okx"…) or "paper" */
export const ExchangeId = z.string().regex(/^[a-z0-9]{2,32}$/, 'a ccxt exchange id such as "binance", or "paper"');

export const ReconcileFix = z.object({
  account: z.string(),
  kind: z.enum([
    'order_accepted',
    'order_lost',
    'order_ended',
    'cancel_resolved',
    'amend_resolved',
    'fill_applied',
    'external_adopted',
    'external_canceled',
    'balance_corrected',
  ]),
  order_id: z.string().nullable(),
  client_order_id: z.string().nullable(),
  detail: z.string(),
});

export const ReconcileResult = z.object({
  account: z.string().nullable().describe('null: every account that keeps state on an exchange'),
  checked: z.number().int().describe('working orders, exchange open orders, trades and balances compared'),
  fixed: z.array(ReconcileFix),
  unresolved: z.array(z.string()).describe('differences found but not settled'),
});
export type ReconcileResult = z.infer<typeof ReconcileResult>;
