import { z } from 'zod';
import { DEAD_MAN_MAX_S, DEAD_MAN_MIN_S } from './constants/accounts.js';
import { BREAKER_LIMIT_NAMES, KEY_LIMIT_NAMES, STRATEGY_LIMIT_NAMES } from './constants/risk.js';
import { TIMEFRAMES } from './constants/timeframes.js';
import { HELD_BY, OCO_TAKE_PROFIT_TYPES, TRAILING_UNITS } from './constants/orders.js';
import { ErrorObjectSchema } from './errors.js';
import * as S from './schemas.js';
import * as ST from './strategy-schemas.js';

/**
 * Every command and query of the engine, defined once. REST routes, WebSocket
 * calls, the desktop IPC bridge and the OpenAPI document are all derived from
 * this table. Params are strict: unknown fields are refused, not ignored.
 */
const limit = z.coerce.number().int().min(1).max(10_000).optional();

const TakeProfit = z.strictObject({ price: S.PositiveDecimal });
const StopLoss = z.strictObject({ stop_price: S.PositiveDecimal, price: S.PositiveDecimal.optional() });
const OcoTakeProfit = z
  .strictObject({
    type: z.enum(OCO_TAKE_PROFIT_TYPES).optional().describe('"limit" (default: rests at price), "take_profit_market" (fires a market order at stop_price) or "take_profit_limit" (fires a limit at price once stop_price is reached)'),
    price: S.PositiveDecimal.optional().describe('limit, take_profit_limit: the limit price'),
    stop_price: S.PositiveDecimal.optional().describe('take_profit_market, take_profit_limit: the trigger, beyond the market in the position\'s favour'),
  })
  .describe('the take-profit leg');

export const PlaceOrderParams = z
  .strictObject({
    account: S.AccountId.default('paper'),
    symbol: S.Symbol,
    side: S.Side,
    type: S.OrderType,
    quantity: S.PositiveDecimal,
    price: S.PositiveDecimal.optional(),
    stop_price: S.PositiveDecimal.optional().describe('stop_market, stop_limit, take_profit_market, take_profit_limit: the trigger price (a stop fires when the market moves against the order to it, a take profit when it moves in its favour)'),
    time_in_force: S.TimeInForce.default('GTC'),
    post_only: z.boolean().default(false),
    reduce_only: z.boolean().default(false),
    client_order_id: S.ClientOrderId.optional(),
    // issue 12: trailing stops and attached exits
    // > 0 (and < 100 in percent) is the engine's rule, refused with its name (trailing_offset_positive)
    trailing_offset: S.DecimalString.optional().describe('trailing_stop: distance of the stop from the best price (> 0)'),
    trailing_unit: z.enum(TRAILING_UNITS).optional().describe('trailing_stop: "percent" (0 < offset < 100) or "price"'),
    activation_price: S.PositiveDecimal.optional().describe('trailing_stop: the stop starts trailing once the market reaches this price'),
    take_profit: TakeProfit.optional().describe('an entry: a reduce-only limit exit placed for what fills'),
    stop_loss: StopLoss.optional().describe('an entry: a reduce-only stop exit placed for what fills (no price: stop-market)'),
  })
  .describe('place an order');
export type PlaceOrderParams = z.infer<typeof PlaceOrderParams>;

export const PlaceOcoParams = z
  .strictObject({
    account: S.AccountId.default('paper'),
    symbol: S.Symbol,
    side: S.Side,
    quantity: S.PositiveDecimal,
    take_profit: OcoTakeProfit,
    stop_loss: StopLoss,
    reduce_only: z.boolean().default(true),
    client_order_id: S.ClientOrderId.optional().describe('the group: its legs get <id>-tp and <id>-sl'),
  })
  .describe('an OCO pair: a take profit (a limit, or a take profit trigger) and a stop; one fills or triggers, the other is canceled');
export type PlaceOcoParams = z.infer<typeof PlaceOcoParams>;

export const CheckOrderParams = z
  .strictObject({
    order: PlaceOrderParams.optional().describe('an order as orders.create takes it'),
    oco: PlaceOcoParams.optional().describe('an OCO pair as orders.oco takes it'),
  })
  .superRefine((p, ctx) => {
    if ((p.order === undefined) === (p.oco === undefined)) ctx.addIssue({ code: 'custom', path: ['order'], message: 'give one of order or oco' });
  })
  .describe('what the engine would say to an order (or an OCO pair) sent now, without sending it');
export type CheckOrderParams = z.infer<typeof CheckOrderParams>;

export const OrderCheck = z.object({
  held_by: z
    .enum(HELD_BY)
    .nullable()
    .describe('who would hold its trigger or OCO link (a trailing stop, an OCO pair, an entry\'s attached exits): "venue", or "tern" (works only while Tern runs); null: a plain order'),
  refusals: z
    .array(ErrorObjectSchema)
    .describe("what would refuse it if it were sent now, as orders.create would answer: the instrument's rules, else the trading state and every risk limit it breaks; empty: it would pass"),
});
export type OrderCheck = z.infer<typeof OrderCheck>;

export const ProtectPositionParams = z
  .strictObject({
    account: S.AccountId.default('paper'),
    symbol: S.Symbol,
    take_profit: TakeProfit.optional(),
    stop_loss: StopLoss.optional(),
    trailing: z.strictObject({ offset: S.DecimalString.describe('> 0; in percent < 100'), unit: z.enum(TRAILING_UNITS), activation_price: S.PositiveDecimal.optional() }).optional(),
  })
  .describe("protect an open position: exits sized to it, resized when it changes");
export type ProtectPositionParams = z.infer<typeof ProtectPositionParams>;

export const AmendOrderParams = z.strictObject({
  id: S.Id,
  price: S.PositiveDecimal.optional(),
  quantity: S.PositiveDecimal.optional(),
  stop_price: S.PositiveDecimal.optional().describe('a stop or take profit still waiting: its new trigger (refused where the market already is)'),
});
export type AmendOrderParams = z.infer<typeof AmendOrderParams>;

export const ListOrdersParams = z.strictObject({
  status: z.enum(['open', 'closed', 'all']).default('all'),
  account: S.AccountId.optional(),
  symbol: S.Symbol.optional(),
  strategy_id: ST.StrategyId.optional().describe("only this strategy's orders"),
  key_id: z.string().min(1).max(64).optional().describe('only the orders this API key placed'),
  limit,
});
export type ListOrdersParams = z.infer<typeof ListOrdersParams>;

export const AccountSymbolFilter = z.strictObject({ account: S.AccountId.optional(), symbol: S.Symbol.optional() });
export type AccountSymbolFilter = z.infer<typeof AccountSymbolFilter>;

export const ListFillsParams = AccountSymbolFilter.extend({ limit, strategy_id: ST.StrategyId.optional().describe("only the fills of this strategy's orders") });

export const OwnedPositionsParams = AccountSymbolFilter.extend({ strategy_id: ST.StrategyId.optional().describe('one strategy (default: every strategy)') });
export type OwnedPositionsParams = z.infer<typeof OwnedPositionsParams>;
export type ListFillsParams = z.infer<typeof ListFillsParams>;

export const ClosePositionParams = z.strictObject({
  account: S.AccountId.default('paper'),
  symbol: S.Symbol,
  quantity: S.PositiveDecimal.optional(),
});
export type ClosePositionParams = z.infer<typeof ClosePositionParams>;

export const MarketParams = z.strictObject({ account: S.AccountId.default('paper'), symbol: S.Symbol });
export const BookParams = MarketParams.extend({ depth: z.coerce.number().int().min(1).max(500).default(20) });
export const Timeframe = z.enum(TIMEFRAMES);
/** A point in time: epoch ms (a number or a string of digits) or an ISO 8601 date; parsed to epoch ms. */
export const TimeParam = z.union([z.number(), z.string().max(40)]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 time such as "2024-01-01T00:00:00Z"' });
    return z.NEVER;
  }
  return ms;
});

export const CandlesParams = MarketParams.extend({
  timeframe: Timeframe.default('1m'),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  since: TimeParam.optional().describe('the first candle from this time on (then up to `limit` candles); downloaded history fills what live data lacks'),
  until: TimeParam.optional().describe('with since: candles before this time'),
});
export type CandlesParams = z.infer<typeof CandlesParams>;

export const TradesParams = MarketParams.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  from_id: z.coerce.number().int().min(1).optional().describe('trades from this id on (then up to `limit`), oldest first'),
  since: TimeParam.optional().describe('trades from this time on (then up to `limit`)'),
  until: TimeParam.optional().describe('trades before this time'),
});
export type TradesParams = z.infer<typeof TradesParams>;

export const DownloadParams = z
  .strictObject({
    account: S.AccountId,
    symbol: S.Symbol,
    timeframe: Timeframe,
    since: TimeParam,
    until: TimeParam.optional().describe('default: now'),
  })
  .refine((p) => p.until === undefined || p.until > p.since, { path: ['until'], message: 'until must be after since' })
  .describe("download an exchange's candle history into the local cache (resumes what an earlier download left)");
export type DownloadParams = z.infer<typeof DownloadParams>;

export const CreateKeyParams = z.strictObject({
  name: z.string().min(1).max(64),
  scopes: z.array(S.Scope).min(1).max(3),
  expires_in_s: z
    .number()
    .int()
    .min(60)
    .max(366 * 86_400)
    .optional()
    .describe('the key stops working this many seconds after it is made (web sign-in sessions: 12 h); without it, it works until revoked'),
  rate_limit: S.KeyRateLimit.optional().describe("the key's own request rate; default: the server's"),
  accounts: z.array(S.AccountId).min(1).max(100).optional().describe('the accounts the key may trade (each must exist); default: all'),
  risk_limits: S.KeyRiskLimits.optional().describe(`limits on every order the key places, besides the account's: ${KEY_LIMIT_NAMES.join(', ')}`),
});
export type CreateKeyParams = z.infer<typeof CreateKeyParams>;

export const KeyHaltParams = z.strictObject({ id: S.Id, reason: z.string().trim().min(1).max(500).default('halted by the trader') });

export const SetRiskLimitsParams = z
  .strictObject({
    account: S.AccountId.optional(),
    symbol: S.Symbol.optional(),
    strategy: ST.StrategyId.optional().describe("a running strategy's own limits: its orders and its ledger, in addition to the account's"),
    key: z.string().min(1).max(64).optional().describe("an API key's own limits: every order it places, in addition to the account's"),
    limits: S.RiskLimitsPatch,
  })
  .superRefine((p, ctx) => {
    if (p.key !== undefined) {
      if (p.account || p.symbol || p.strategy) ctx.addIssue({ code: 'custom', path: ['key'], message: 'a key scope stands alone: give the key without account, symbol or strategy' });
      for (const name of Object.keys(p.limits)) {
        if (!(KEY_LIMIT_NAMES as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', path: ['limits', name], message: `${name} is not set per key (a key scope takes ${KEY_LIMIT_NAMES.join(', ')})` });
      }
      return;
    }
    if (p.strategy !== undefined) {
      if (p.account || p.symbol) ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'a strategy scope stands alone: give the strategy without account or symbol (it trades one)' });
      for (const name of Object.keys(p.limits)) {
        if (!(STRATEGY_LIMIT_NAMES as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', path: ['limits', name], message: `${name} is not set per strategy (a strategy scope takes ${STRATEGY_LIMIT_NAMES.join(', ')})` });
      }
      return;
    }
    if (p.symbol && !p.account) ctx.addIssue({ code: 'custom', path: ['symbol'], message: 'limits for a symbol are set per account: give the account too' });
    if (!p.symbol) return;
    for (const name of BREAKER_LIMIT_NAMES) {
      if (p.limits[name] !== undefined) ctx.addIssue({ code: 'custom', path: ['limits', name], message: `${name} is set globally or per account, not per symbol` });
    }
  })
  .describe('set limits: global without account and symbol, per account, per account and symbol, per strategy, or per API key');
export type SetRiskLimitsParams = z.infer<typeof SetRiskLimitsParams>;

export const SetRiskStateParams = z.strictObject({ state: S.RiskState, reason: z.string().trim().min(1).max(500) });
export type SetRiskStateParams = z.infer<typeof SetRiskStateParams>;

export const KillSwitchParams = z.strictObject({ reason: z.string().trim().min(1).max(500), flatten: z.boolean().default(false) });
export type KillSwitchParams = z.infer<typeof KillSwitchParams>;

const DeadManSwitchSeconds = z
  .number()
  .int()
  .min(DEAD_MAN_MIN_S)
  .max(DEAD_MAN_MAX_S)
  .describe("live accounts: the exchange cancels resting orders this many seconds after Tern's last heartbeat (exchanges with cancel-all-after in ccxt)");

export const CreateAccountParams = z
  .strictObject({
    id: S.AccountId,
    exchange: S.ExchangeId,
    mode: S.Mode,
    api_key: z.string().min(1).max(512).optional(),
    secret: z.string().min(1).max(4096).optional(),
    password: z.string().min(1).max(512).optional().describe('the passphrase some exchanges add to the key (OKX, Coinbase…)'),
    sandbox: z.boolean().default(false).describe("the exchange's testnet"),
    base_url: z.string().min(1).max(200).optional().describe("point the exchange's REST and websocket hosts elsewhere (a testnet, a local simulator)"),
    starting_balances: z.record(z.string().regex(/^[A-Z0-9]{1,20}$/, 'an asset such as "USDT"'), S.DecimalString).optional().describe('paper accounts: balances a reset restores'),
    dead_man_switch_s: DeadManSwitchSeconds.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'live') {
      if (p.exchange === 'paper') ctx.addIssue({ code: 'custom', path: ['exchange'], message: 'a live account needs a real exchange, not "paper"' });
      if (!p.api_key) ctx.addIssue({ code: 'custom', path: ['api_key'], message: 'a live account needs api_key' });
      if (!p.secret) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'a live account needs secret' });
      if (p.starting_balances) ctx.addIssue({ code: 'custom', path: ['starting_balances'], message: "a live account's balances come from the exchange" });
    } else {
      if (p.dead_man_switch_s !== undefined) ctx.addIssue({ code: 'custom', path: ['dead_man_switch_s'], message: 'only a live account has orders on an exchange to cancel' });
      for (const field of ['api_key', 'secret', 'password'] as const) {
        if (p[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'a paper account takes no exchange keys (they are never stored for it)' });
      }
    }
    if (p.exchange === 'paper' && (p.sandbox || p.base_url)) ctx.addIssue({ code: 'custom', path: [p.sandbox ? 'sandbox' : 'base_url'], message: 'only a real exchange has a testnet or a base_url' });
  })
  .describe('add an account: keys go to the OS keychain, never to the database');
export type CreateAccountParams = z.infer<typeof CreateAccountParams>;

export const UpdateAccountParams = z
  .strictObject({ id: S.AccountId, dead_man_switch_s: DeadManSwitchSeconds.nullable().describe('a live account\'s dead-man switch: seconds (10–600), or null to turn it off; applied at once') })
  .describe("change a live account's settings");
export type UpdateAccountParams = z.infer<typeof UpdateAccountParams>;

export const ReconcileParams = z.strictObject({ account: S.AccountId.optional() });
export type ReconcileParams = z.infer<typeof ReconcileParams>;

const IdParams = z.strictObject({ id: S.Id });
const AccountIdParams = z.strictObject({ id: S.AccountId });
const NoParams = z.strictObject({});

type Http = { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; path: string; status?: number };
/**
 * For a method whose transports need to know more than its result says (REST
 * answers 200 rather than 201 when a client_order_id was already placed): the
 * engine answers this, every transport sends `result(answer)`, and REST's
 * status is `status(answer)`.
 */
export interface Outcome<A, R> {
  result(answer: A): R;
  status(answer: A): number;
}

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, A = z.output<R>> {
  params: P;
  result: R;
  scope: 'none' | z.infer<typeof S.Scope>;
  summary: string;
  http?: Http;
  outcome?: Outcome<A, z.output<R>>;
}

function method<P extends z.ZodType, R extends z.ZodType, A = z.output<R>>(spec: MethodSpec<P, R, A>): MethodSpec<P, R, A> {
  return spec;
}

/** orders.create's answer: the order, and whether this call placed it (false: its client_order_id was placed before) */
export interface PlacedOrder {
  order: z.output<typeof S.Order>;
  created: boolean;
}

export const METHODS = {
  health: method({ params: NoParams, result: S.Health, scope: 'none', summary: 'liveness', http: { method: 'GET', path: '/health' } }),
  'accounts.list': method({ params: NoParams, result: z.array(S.Account), scope: 'read', summary: 'accounts', http: { method: 'GET', path: '/api/v1/accounts' } }),
  'accounts.reset': method({
    params: AccountIdParams,
    result: S.Account,
    scope: 'admin',
    summary: "empty a paper account's orders and positions and restore its starting balances",
    http: { method: 'POST', path: '/api/v1/accounts/:id/reset' },
  }),
  'accounts.create': method({
    params: CreateAccountParams,
    result: S.Account,
    scope: 'admin',
    summary: 'add an account (paper, or live on a ccxt exchange); its keys go to the OS keychain',
    http: { method: 'POST', path: '/api/v1/accounts', status: 201 },
  }),
  'accounts.update': method({
    params: UpdateAccountParams,
    result: S.Account,
    scope: 'admin',
    summary: "change a live account's dead-man switch (seconds, or null: off); the heartbeat follows at once",
    http: { method: 'PATCH', path: '/api/v1/accounts/:id' },
  }),
  'accounts.delete': method({
    params: AccountIdParams,
    result: S.Account,
    scope: 'admin',
    summary: 'remove an account and its keychain entries (it must have no working orders)',
    http: { method: 'DELETE', path: '/api/v1/accounts/:id' },
  }),
  'reconcile.run': method({
    params: ReconcileParams,
    result: S.ReconcileResult,
    scope: 'trade',
    summary: "compare open orders, recent fills and balances with the exchange now, and fix Tern's view",
    http: { method: 'POST', path: '/api/v1/reconcile' },
  }),
  'instruments.list': method({
    params: z.strictObject({ account: S.AccountId.optional() }),
    result: z.array(S.Instrument),
    scope: 'read',
    summary: 'tradable instruments with their filters',
    http: { method: 'GET', path: '/api/v1/instruments' },
  }),
  'market.ticker': method({ params: MarketParams, result: S.Ticker, scope: 'read', summary: 'best bid, ask and last', http: { method: 'GET', path: '/api/v1/ticker' } }),
  'market.book': method({ params: BookParams, result: S.Book, scope: 'read', summary: 'order book', http: { method: 'GET', path: '/api/v1/book' } }),
  'market.candles': method({
    params: CandlesParams,
    result: z.array(S.Candle),
    scope: 'read',
    summary: 'candles [ts_ms, open, high, low, close, volume], oldest first',
    http: { method: 'GET', path: '/api/v1/candles' },
  }),
  'market.trades': method({
    params: TradesParams,
    result: z.array(S.Trade),
    scope: 'read',
    summary: "the market's recent public trades (the feed's prints; the last 1,000 per account and symbol), oldest first: the newest `limit`, or from `from_id` / `since` on",
    http: { method: 'GET', path: '/api/v1/trades' },
  }),
  // History downloads: engine calls over WebSocket and IPC (like backtests); progress on the `downloads` channel.
  'market.download': method({
    params: DownloadParams,
    result: S.DownloadJob,
    scope: 'trade',
    summary: 'start (or resume) a candle history download from an account’s exchange into the cache',
  }),
  'market.downloads': method({ params: NoParams, result: z.array(S.DownloadJob), scope: 'read', summary: 'history downloads of this session, newest first' }),
  'orders.create': method({
    params: PlaceOrderParams,
    result: S.Order,
    scope: 'trade',
    summary: 'place an order',
    http: { method: 'POST', path: '/api/v1/orders', status: 201 },
    outcome: { result: (a: PlacedOrder) => a.order, status: (a: PlacedOrder) => (a.created ? 201 : 200) },
  }),
  'orders.check': method({
    params: CheckOrderParams,
    result: OrderCheck,
    scope: 'read',
    summary: 'dry run: who would hold an order\'s protective part, and what would refuse it now (instrument rules, trading state, risk limits); nothing is sent or recorded',
    http: { method: 'POST', path: '/api/v1/orders/check' },
  }),
  'orders.list': method({ params: ListOrdersParams, result: z.array(S.Order), scope: 'read', summary: 'orders, newest first', http: { method: 'GET', path: '/api/v1/orders' } }),
  'orders.get': method({ params: IdParams, result: S.Order, scope: 'read', summary: "an order by Tern's id or client_order_id", http: { method: 'GET', path: '/api/v1/orders/:id' } }),
  'orders.amend': method({ params: AmendOrderParams, result: S.Order, scope: 'trade', summary: 'amend the price, trigger (stop_price) and/or quantity of an open order', http: { method: 'PATCH', path: '/api/v1/orders/:id' } }),
  'orders.cancel': method({ params: IdParams, result: S.Order, scope: 'trade', summary: 'cancel an order', http: { method: 'DELETE', path: '/api/v1/orders/:id' } }),
  'orders.cancelAll': method({
    params: AccountSymbolFilter,
    result: z.object({
      canceled: z.array(z.string()),
      failed: z.array(z.object({ id: z.string(), error: ErrorObjectSchema })).describe('orders that could not be canceled, each with the error a single cancel would have answered'),
    }),
    scope: 'trade',
    summary: 'cancel all matching open orders',
    http: { method: 'DELETE', path: '/api/v1/orders' },
  }),
  'fills.list': method({ params: ListFillsParams, result: z.array(S.Fill), scope: 'read', summary: 'fills, newest first', http: { method: 'GET', path: '/api/v1/fills' } }),
  'orders.oco': method({
    params: PlaceOcoParams,
    result: S.OcoGroup,
    scope: 'trade',
    summary: 'place an OCO pair (take profit + stop loss); one fills or is canceled, the other is canceled',
    http: { method: 'POST', path: '/api/v1/orders/oco', status: 201 },
  }),
  'positions.protect': method({
    params: ProtectPositionParams,
    result: S.OcoGroup,
    scope: 'trade',
    summary: 'protect a position with a take profit, a stop loss and/or a trailing stop sized to it (resized when it changes)',
    http: { method: 'POST', path: '/api/v1/positions/protect', status: 201 },
  }),
  'positions.list': method({ params: AccountSymbolFilter, result: z.array(S.Position), scope: 'read', summary: 'positions', http: { method: 'GET', path: '/api/v1/positions' } }),
  'positions.close': method({
    params: ClosePositionParams,
    result: S.ClosedPosition,
    scope: 'trade',
    summary: "close a position (all or quantity) with a reduce-only market order; `closes` says whose shares it takes (the trader's first, then strategies'). From a strategy: its own position",
    http: { method: 'POST', path: '/api/v1/positions/close', status: 201 },
  }),
  'positions.owned': method({
    params: OwnedPositionsParams,
    result: z.array(S.StrategyPosition),
    scope: 'read',
    summary: "strategies' own positions (the per-strategy ledger): quantity, average price, realized and unrealized PnL, fees",
    http: { method: 'GET', path: '/api/v1/positions/owned' },
  }),
  'balances.list': method({ params: z.strictObject({ account: S.AccountId.optional() }), result: z.array(S.Balance), scope: 'read', summary: 'balances', http: { method: 'GET', path: '/api/v1/balances' } }),
  'portfolio.get': method({ params: z.strictObject({ account: S.AccountId.optional() }), result: S.Portfolio, scope: 'read', summary: 'equity and PnL', http: { method: 'GET', path: '/api/v1/portfolio' } }),
  'keys.list': method({ params: NoParams, result: z.array(S.ApiKey), scope: 'admin', summary: 'API keys', http: { method: 'GET', path: '/api/v1/keys' } }),
  'keys.create': method({ params: CreateKeyParams, result: S.CreatedApiKey, scope: 'admin', summary: 'create an API key (shown once)', http: { method: 'POST', path: '/api/v1/keys', status: 201 } }),
  'keys.delete': method({ params: IdParams, result: S.ApiKey, scope: 'admin', summary: 'revoke an API key', http: { method: 'DELETE', path: '/api/v1/keys/:id' } }),
  'keys.halt': method({ params: KeyHaltParams, result: S.HaltedApiKey, scope: 'admin', summary: "halt one key: its new orders are refused and its working orders canceled (the trader and other keys trade on)", http: { method: 'POST', path: '/api/v1/keys/:id/halt' } }),
  'keys.resume': method({ params: IdParams, result: S.ApiKey, scope: 'admin', summary: 'a halted key trades again', http: { method: 'POST', path: '/api/v1/keys/:id/resume' } }),
  'risk.get': method({ params: NoParams, result: S.Risk, scope: 'read', summary: 'trading state, limits, usage and breaker trips', http: { method: 'GET', path: '/api/v1/risk' } }),
  'risk.setLimits': method({
    params: SetRiskLimitsParams,
    result: S.Risk,
    scope: 'admin',
    summary: 'set or remove (null) limits of one scope; the narrowest scope that sets a limit wins',
    http: { method: 'PUT', path: '/api/v1/risk/limits' },
  }),
  'risk.setState': method({
    params: SetRiskStateParams,
    result: S.Risk,
    scope: 'admin',
    summary: 'set the trading state (ACTIVE, REDUCING, HALTED) with a reason',
    http: { method: 'POST', path: '/api/v1/risk/state' },
  }),
  'risk.killSwitch': method({
    params: KillSwitchParams,
    result: S.KillSwitchReport,
    scope: 'trade',
    summary: 'halt, cancel every open order on every account and, with flatten, close every position',
    http: { method: 'POST', path: '/api/v1/risk/kill-switch' },
  }),
  // Strategies and backtests (docs/strategies.md): engine calls over WebSocket and IPC; no REST routes yet.
  'strategies.list': method({
    params: NoParams,
    result: ST.StrategiesList,
    scope: 'read',
    summary: 'strategies that can run (built-in) and the running ones',
    http: { method: 'GET', path: '/api/v1/strategies' },
  }),
  'strategies.start': method({
    params: ST.StartStrategyParams,
    result: ST.StrategyInstance,
    scope: 'admin',
    summary: "run a strategy (built-in name or module path) on an account's symbol; its orders carry its id",
    http: { method: 'POST', path: '/api/v1/strategies', status: 201 },
  }),
  'strategies.stop': method({
    params: ST.StopStrategyParams,
    result: ST.StrategyInstance,
    scope: 'trade',
    summary: 'stop a running strategy (and cancel its working orders)',
    http: { method: 'POST', path: '/api/v1/strategies/:id/stop' },
  }),
  'strategies.get': method({
    params: ST.GetStrategyParams,
    result: ST.StrategyDetail,
    scope: 'read',
    summary: "a strategy and its results: its trades, PnL, fees, position and equity curve since it started, with a backtest report's metrics",
    http: { method: 'GET', path: '/api/v1/strategies/:id' },
  }),
  'strategies.setParams': method({
    params: ST.SetStrategyParams,
    result: ST.StrategyInstance,
    scope: 'trade',
    summary: "change a running strategy's parameters: its onParams hook takes them, or 409 when it has none (stop it and start it again)",
    http: { method: 'PATCH', path: '/api/v1/strategies/:id' },
  }),
  'strategies.getSettings': method({
    params: NoParams,
    result: ST.StrategySettings,
    scope: 'read',
    summary: 'whether strategies running when Tern stopped are resumed when it starts',
    http: { method: 'GET', path: '/api/v1/strategy-settings' },
  }),
  'strategies.setSettings': method({
    params: ST.StrategySettings,
    result: ST.StrategySettings,
    scope: 'admin',
    summary: 'resume strategies on start (true) or start them stopped (false); kept in the data folder',
    http: { method: 'PUT', path: '/api/v1/strategy-settings' },
  }),
  'backtests.start': method({
    params: ST.StartBacktestParams,
    result: ST.BacktestJob,
    scope: 'admin',
    summary: 'start a backtest, or a parameter sweep with grid, on worker threads',
    http: { method: 'POST', path: '/api/v1/backtests', status: 201 },
  }),
  'backtests.get': method({
    params: IdParams,
    result: ST.BacktestJobDetail,
    // jobs name files on the engine machine and carry their errors: only the scope that starts them sees them
    scope: 'admin',
    summary: 'a backtest: progress, then its report (or the sweep results table)',
    http: { method: 'GET', path: '/api/v1/backtests/:id' },
  }),
  'backtests.list': method({
    params: NoParams,
    result: z.array(ST.BacktestJob),
    scope: 'admin',
    summary: 'backtest runs and sweeps kept in the data folder (this session and earlier ones), newest first',
    http: { method: 'GET', path: '/api/v1/backtests' },
  }),
  'backtests.cancel': method({
    params: IdParams,
    result: ST.BacktestJob,
    scope: 'admin',
    summary: 'cancel a running backtest or sweep (it stays listed, canceled)',
    http: { method: 'POST', path: '/api/v1/backtests/:id/cancel' },
  }),
  'backtests.delete': method({
    params: IdParams,
    result: ST.BacktestJob,
    scope: 'admin',
    summary: 'delete a backtest run or sweep and its results (one in progress is canceled first); answers the run as it was last',
    http: { method: 'DELETE', path: '/api/v1/backtests/:id' },
  }),
  'files.list': method({
    params: NoParams,
    result: ST.FilesList,
    scope: 'admin',
    summary: "strategy modules and candle files callers may name: the data folder's strategies/ and imports/, and folders added in the desktop app",
    http: { method: 'GET', path: '/api/v1/files' },
  }),
} as const;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

/** What the engine answers for a method: its result, or the fuller answer of a method with an `outcome`. */
export type AnswerOf<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, z.ZodType, infer A> ? A : never;

/** What a transport needs from the engine: one async function per method. */
export type Handlers = { [M in MethodName]: (params: ParsedParamsOf<M>, ctx: CallContext) => Promise<AnswerOf<M>> | AnswerOf<M> };

/** the result every transport sends, drawn from the engine's answer */
export function resultOf<M extends MethodName>(method: M, answer: AnswerOf<M>): ResultOf<M> {
  const outcome = (METHODS[method] as MethodSpec<z.ZodType, z.ZodType, AnswerOf<M>>).outcome;
  return (outcome ? outcome.result(answer) : answer) as ResultOf<M>;
}

export interface CallContext {
  /** who is calling: an API key id, 'ui' (the desktop app) or 'engine'. */
  actor: string;
  /**
   * The API key the caller presented (REST, WebSocket): the engine looks it up
   * on every call (revoked or expired → UNAUTHORIZED) and checks
   * METHODS[method].scope (→ FORBIDDEN). null: no key (public methods only).
   * Absent: an in-process caller (desktop app, CLI, strategies), the owner.
   */
  keyId?: string | null;
  /**
   * The strategy making the call, set only by the in-process strategy runners
   * (never from a transport: REST, WebSocket and IPC build their contexts
   * themselves, and orders.create's parameters have no strategy_id). Its
   * orders carry the id and may only take from its own position; it cancels
   * and amends only its own orders.
   */
  strategyId?: string;
  /**
   * Called by the engine when what the call changed is not yet durable: the
   * store cannot be written, and a cancel or the kill switch went ahead with
   * its journal entries held in memory until it can (REST answers it in the
   * `X-Tern-Not-Durable` header).
   */
  onNotDurable?(why: string): void;
}

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
