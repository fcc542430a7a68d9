import type { Instrument, Trade } from '../../../src-common/contract/schemas.js';
import { Decimal } from '../../engine/model/decimal.js';
import { f8 } from '../binance/convert.js';
import type { Call, Endpoint } from '../binance/endpoint.js';
import * as fmt from '../binance/format.js';
import { publicTradeView } from '../binance/market-streams.js';

/**
 * Binance's public-trade endpoints on Tern's gateway: `trades`, `aggTrades`
 * and `historicalTrades` answer from `market.trades` — the prints of the
 * account's market data (a paper account's are its feed's: replay or live),
 * the last 1,000 per symbol, with the ids the `@trade` / `@aggTrade` streams
 * carry. The trader's own fills are no public trade (they are `myTrades`).
 */

export interface TradeHelpers {
  instrumentOf(c: Call): Promise<Instrument>;
  intParam(c: Call, name: string, min: number, max: number): number | undefined;
}

const MAX_MS = Number.MAX_SAFE_INTEGER;

export function tradeEndpoints(h: TradeHelpers): Record<string, Endpoint> {
  async function trades(c: Call, q: { from_id?: number; since?: number; until?: number }): Promise<Trade[]> {
    const i = await h.instrumentOf(c);
    const limit = h.intParam(c, 'limit', 1, 1000) ?? 500;
    return c.call('market.trades', { account: c.account, symbol: i.symbol, limit, ...q });
  }

  /** Binance's fromId 0 is the first trade; Tern's ids start at 1 */
  const fromId = (c: Call): { from_id?: number } => {
    const id = h.intParam(c, 'fromId', 0, MAX_MS);
    return id === undefined ? {} : { from_id: Math.max(1, id) };
  };

  const rest = (t: Trade) => fmt.publicTrade(publicTradeView(t), f8(new Decimal(t.price).mul(t.quantity).toFixed()));

  return {
    'GET api/v3/trades': {
      security: 'NONE',
      params: ['symbol', 'limit'],
      handle: async (c) => (await trades(c, {})).map(rest),
    },
    // Binance's MARKET_DATA security: a key in X-MBX-APIKEY, no signature
    'GET api/v3/historicalTrades': {
      security: 'KEY',
      params: ['symbol', 'limit', 'fromId'],
      handle: async (c) => (await trades(c, fromId(c))).map(rest),
    },
    'GET api/v3/aggTrades': {
      security: 'NONE',
      params: ['symbol', 'fromId', 'startTime', 'endTime', 'limit'],
      handle: async (c) => {
        const start = h.intParam(c, 'startTime', 0, MAX_MS);
        const end = h.intParam(c, 'endTime', 0, MAX_MS);
        // Binance's window is inclusive at both ends; Tern's `until` is the first time left out
        const q = { ...fromId(c), ...(start !== undefined ? { since: start } : {}), ...(end !== undefined ? { until: end + 1 } : {}) };
        return (await trades(c, q)).map((t) => fmt.aggTrade(publicTradeView(t)));
      },
    },
  };
}
