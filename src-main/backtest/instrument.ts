import { badRequest } from '../../src-common/contract/errors.js';
import { Decimal } from '../engine/model/decimal.js';
import type { InstrumentSpec } from '../engine/model/types.js';
import type { CandleSeries } from '../feeds/candles-csv.js';
import { checkInstrument, splitSymbol } from '../feeds/replay/instrument-rule.js';

/** quote assets recognised at the end of a symbol written without a separator (BTCUSDT) */
const KNOWN_QUOTES = ['USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USD', 'EUR', 'GBP', 'JPY', 'BTC', 'ETH', 'BNB'];

/**
 * A symbol as the engine writes it (BASE/QUOTE, upper case) from what a
 * trader types: "BTC/USDT", "btc/usdt", "BTC-USDT", "BTC_USDT", "BTCUSDT",
 * or a perpetual's "BTC-PERP" (quoted in USD).
 */
export function normalizeSymbol(text: string, field = 'symbol'): string {
  const raw = text.trim().toUpperCase();
  const fail = () => badRequest(`${field} must name a market as BASE/QUOTE (e.g. BTC/USDT), got "${text}"`, { field });
  let symbol: string;
  if (raw.includes('/')) symbol = raw;
  else {
    const parts = /^([A-Z0-9]+)[-_]([A-Z0-9]+)$/.exec(raw);
    if (parts) symbol = parts[2] === 'PERP' ? `${parts[1]}/USD` : `${parts[1]}/${parts[2]}`;
    else {
      const quote = KNOWN_QUOTES.find((q) => raw.endsWith(q) && raw.length > q.length);
      if (!quote) throw fail();
      symbol = `${raw.slice(0, -quote.length)}/${quote}`;
    }
  }
  if (!/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$/.test(symbol)) throw fail();
  splitSymbol(symbol);
  return symbol;
}

/** what a backtest may change about the instrument it trades (decimal strings) */
export interface InstrumentOptions {
  priceIncrement?: string;
  sizeIncrement?: string;
  minQuantity?: string;
  minNotional?: string;
}

/** size step of a backtest's instrument unless given: fine enough that "0.95 × cash ÷ price units" loses nothing that matters */
export const BACKTEST_SIZE_INCREMENT = '0.000000000001';

/**
 * The instrument a backtest trades. History carries no venue filters, so:
 * the price increment is 10^-d for d the most decimal places the file's
 * prices are written with (every price of the file is on the grid); the size
 * increment and minimum quantity are 10^-12 and the minimum notional 0 (a
 * backtest trades fractional units freely unless told otherwise); maker and
 * taker fee are the run's fee rate. Each can be overridden.
 */
export function backtestInstrument(symbol: string, series: CandleSeries, fee: Decimal, options: InstrumentOptions = {}): InstrumentSpec {
  const { base, quote } = splitSymbol(symbol);
  const dec = (value: string | undefined, fallback: Decimal, field: string): Decimal => {
    if (value === undefined) return fallback;
    try {
      return new Decimal(value);
    } catch {
      throw badRequest(`instrument ${field} must be a decimal, got ${JSON.stringify(value)}`, { field });
    }
  };
  const sizeIncrement = dec(options.sizeIncrement, new Decimal(BACKTEST_SIZE_INCREMENT), 'sizeIncrement');
  const spec: InstrumentSpec = {
    symbol,
    base,
    quote,
    priceIncrement: dec(options.priceIncrement, new Decimal(10).pow(-series.priceDecimals), 'priceIncrement'),
    sizeIncrement,
    minQuantity: dec(options.minQuantity, sizeIncrement, 'minQuantity'),
    minNotional: dec(options.minNotional, new Decimal(0), 'minNotional'),
    makerFee: fee,
    takerFee: fee,
  };
  checkInstrument(spec);
  return spec;
}
