import { z } from 'zod';
import { MARKET_CHANNELS, type MarketChannel, PRIVATE_CHANNELS, type PrivateChannel } from './constants/channels.js';
import * as S from './schemas.js';
import { StrategyInstance } from './strategy-schemas.js';

/** Event channels a client subscribes to. Market channels are `ticker:ACCOUNT:SYMBOL`, `book:ACCOUNT:SYMBOL`, `trades:ACCOUNT:SYMBOL`, `candles:ACCOUNT:SYMBOL`. */
export const ChannelName = z.union([
  z.enum(PRIVATE_CHANNELS),
  z.string().regex(new RegExp(`^(${MARKET_CHANNELS.join('|')}):[a-z0-9][a-z0-9_-]{0,31}:[A-Z0-9]{1,20}/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$`)),
]);

export const EVENT_DATA = {
  orders: S.Order,
  fills: S.Fill,
  positions: S.Position,
  balances: S.Balance,
  ticker: S.Ticker,
  book: S.Book,
  trades: S.Trade,
  candles: z.object({ account: z.string(), symbol: z.string(), candle: S.Candle }),
  risk: z.record(z.string(), z.unknown()),
  accounts: S.Account,
  downloads: S.DownloadJob,
  /** a paper or live strategy changed: started, stopped, failed, resumed or left stopped by a restart, new parameters */
  strategies: StrategyInstance,
} as const satisfies Record<PrivateChannel | MarketChannel, z.ZodType>;

export type EventKind = keyof typeof EVENT_DATA;
export type EventData<K extends EventKind> = z.infer<(typeof EVENT_DATA)[K]>;

/** An engine event: `channel` is the full channel name ("orders", "ticker:paper:BTC/USDT"). */
export interface EngineEvent<K extends EventKind = EventKind> {
  kind: K;
  channel: string;
  data: EventData<K>;
}

export const WsClientMessage = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('auth'), key: z.string().max(200) }),
  z.strictObject({ op: z.literal('subscribe'), channels: z.array(ChannelName).min(1).max(100) }),
  z.strictObject({ op: z.literal('unsubscribe'), channels: z.array(z.string().max(100)).min(1).max(100) }),
  z.strictObject({ op: z.literal('call'), id: z.union([z.number(), z.string().max(64)]), method: z.string().max(64), params: z.unknown().optional() }),
  z.strictObject({ op: z.literal('ping') }),
]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;
