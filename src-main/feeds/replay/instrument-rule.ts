import { badRequest } from '../../../src-common/contract/errors.js';
import { Decimal } from '../../engine/model/decimal.js';
import type { InstrumentSpec } from '../../engine/model/types.js';

/**
 * The instrument a candle file is replayed as. A file carries no venue
 * filters, so they are derived by a fixed, documented rule
 * (docs/replay-feed.md), shaped after a large spot venue's filters:
 *
 * - priceIncrement = 10^-d, d = the most decimal places any price in the file
 *   is written with (trailing zeros ignored): every price of the file is then
 *   a valid price, and nothing is rounded away.
 * - minNotional and a "size step value" come from the quote asset:
 *   USD-like quotes (and any quote not listed) 5 and 0.5; BTC 0.0001 and
 *   0.0001; ETH 0.001 and 0.001.
 * - sizeIncrement = the power of ten nearest (in log scale) to
 *   step value / reference price, at most 1; minQuantity = sizeIncrement.
 *   The reference price is the file's median close.
 *   e.g. BTC/USDT at 46,000: 0.5 / 46000 ≈ 1.1e-5 → 0.00001;
 *   ETH/BTC at 0.09: 0.0001 / 0.09 ≈ 1.1e-3 → 0.001.
 * - makerFee = takerFee = 0.001 (0.1 %).
 * Every field can be overridden.
 */

export type InstrumentOverrides = Partial<Omit<InstrumentSpec, 'symbol'>>;

interface QuoteRule {
  minNotional: string;
  /** what one size increment should be worth, roughly, in the quote asset */
  stepValue: string;
}

const USD_LIKE: QuoteRule = { minNotional: '5', stepValue: '0.5' };
const QUOTE_RULES: Record<string, QuoteRule> = {
  BTC: { minNotional: '0.0001', stepValue: '0.0001' },
  ETH: { minNotional: '0.001', stepValue: '0.001' },
};

export const DEFAULT_FEE = '0.001';

/** 'BTC/USDT' (or ccxt's 'BTC/USDT:USDT' for a swap) → its base and quote. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const match = /^([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)(?::[A-Za-z0-9._-]+)?$/.exec(symbol);
  if (!match) throw badRequest(`symbol must look like BASE/QUOTE (e.g. BTC/USDT), got "${symbol}"`, { field: 'symbol' });
  return { base: match[1]!, quote: match[2]! };
}

export function deriveInstrument(
  symbol: string,
  data: { referencePrice: Decimal; priceDecimals: number },
  overrides: InstrumentOverrides = {},
): InstrumentSpec {
  const { base, quote } = splitSymbol(symbol);
  if (!data.referencePrice.gt(0)) throw badRequest('reference price must be positive', { field: 'referencePrice' });
  if (!Number.isInteger(data.priceDecimals) || data.priceDecimals < 0) {
    throw badRequest('price decimals must be a non-negative integer', { field: 'priceDecimals' });
  }
  const rule = QUOTE_RULES[quote.toUpperCase()] ?? USD_LIKE;
  const exponent = Math.min(0, Math.round(Math.log10(new Decimal(rule.stepValue).div(data.referencePrice).toNumber())));
  const sizeIncrement = new Decimal(10).pow(exponent);
  const spec: InstrumentSpec = {
    symbol,
    base,
    quote,
    priceIncrement: new Decimal(10).pow(-data.priceDecimals),
    sizeIncrement,
    minQuantity: sizeIncrement,
    minNotional: new Decimal(rule.minNotional),
    makerFee: new Decimal(DEFAULT_FEE),
    takerFee: new Decimal(DEFAULT_FEE),
    ...overrides,
  };
  checkInstrument(spec);
  return spec;
}

/** The filters a replayed book and its trades rely on. */
export function checkInstrument(spec: InstrumentSpec): void {
  const positive = ['priceIncrement', 'sizeIncrement', 'minQuantity'] as const;
  for (const field of positive) {
    if (!Decimal.isDecimal(spec[field]) || !spec[field].isFinite() || !spec[field].gt(0)) {
      throw badRequest(`instrument ${field} must be a positive decimal`, { field });
    }
  }
  if (!Decimal.isDecimal(spec.minNotional) || !spec.minNotional.isFinite() || spec.minNotional.lt(0)) {
    throw badRequest('instrument minNotional must be a decimal ≥ 0', { field: 'minNotional' });
  }
  // a negative maker fee is a rebate, which venues do pay
  for (const field of ['makerFee', 'takerFee'] as const) {
    if (!Decimal.isDecimal(spec[field]) || !spec[field].gt(-1) || !spec[field].lt(1)) {
      throw badRequest(`instrument ${field} must be a decimal fraction between -1 and 1`, { field });
    }
  }
}
