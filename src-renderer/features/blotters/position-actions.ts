import type { ProtectPositionParams } from '../../../src-common/contract/methods.js';
import type { Book, Instrument, Position, Ticker } from '../../../src-common/contract/schemas.js';
import type { Side } from '../../../src-common/contract/constants/orders.js';
import { type Dec, dec, formatPlain, isMultipleOf, parseDecimal, roundToIncrement, sign, wire } from '../../lib/decimal.js';

/**
 * What the position row's actions send, as plain functions the dialog and its
 * tests share: the share of a close on the quantity step, the price a limit
 * close starts from, the order that reverses, the exits that protect.
 */

export const CLOSE_PERCENTS = [25, 50, 100] as const;
export type ClosePercent = (typeof CLOSE_PERCENTS)[number];

export type PositionAction = { kind: 'close'; percent: ClosePercent } | { kind: 'limit' } | { kind: 'reverse' } | { kind: 'protect' };

export const isOpenPosition = (p: Position): boolean => sign(p.quantity) !== 0;
/** the side of an order that reduces the position */
export const exitSide = (p: Position): Side => (sign(p.quantity) > 0 ? 'sell' : 'buy');
export const sizeOf = (p: Position): Dec => dec(p.quantity).abs();
export const baseOf = (p: Position, instrument?: Instrument): string => instrument?.base ?? p.symbol.split('/')[0] ?? '';
export const quoteOf = (p: Position, instrument?: Instrument): string => instrument?.quote ?? p.symbol.split('/')[1] ?? '';

export type CloseShare = { quantity: Dec; all: boolean; error?: undefined } | { quantity: Dec; all: false; error: string };

/**
 * The quantity a close of `percent` sends: 100 % is the whole position (the
 * engine closes all of it), a part is rounded down to the size step so it
 * never closes more than asked; a part under the minimum is refused here.
 */
export function closeShare(p: Position, percent: ClosePercent, instrument?: Instrument): CloseShare {
  const size = sizeOf(p);
  if (percent === 100) return { quantity: size, all: true };
  const raw = size.mul(percent).div(100);
  const quantity = instrument ? roundToIncrement(raw, instrument.size_increment, 'down') : raw;
  const min = instrument ? dec(instrument.min_quantity) : null;
  if (quantity.lte(0) || (min && quantity.lt(min))) {
    return { quantity, all: false, error: `${percent} % of ${formatPlain(wire(size))} ${baseOf(p, instrument)} is ${formatPlain(wire(quantity))}, under the minimum order of ${formatPlain(instrument?.min_quantity ?? '0')}: close 100 % instead` };
  }
  return { quantity, all: false };
}

/**
 * The price a limit close starts from: the best price on its own side of the
 * book (a sell at the best ask, a buy at the best bid), so it rests as a maker;
 * the ticker's when the book on screen is another market's, then the mark.
 */
export function limitPrefill(p: Position, book: Book | null, ticker: Ticker | undefined): string | null {
  const side = exitSide(p);
  const fromBook = book && book.account === p.account && book.symbol === p.symbol ? (side === 'sell' ? book.asks[0]?.[0] : book.bids[0]?.[0]) : undefined;
  return fromBook ?? (side === 'sell' ? ticker?.ask : ticker?.bid) ?? p.mark_price ?? null;
}

/** a price typed by the trader, checked against the instrument: the reason, or the canonical decimal */
export function checkPrice(input: string, instrument?: Instrument): { value: string; error?: undefined } | { value?: undefined; error: string } {
  const v = parseDecimal(input);
  if (!v || v.lte(0)) return { error: 'A price above zero' };
  if (instrument && !isMultipleOf(v, instrument.price_increment)) return { error: `In steps of ${formatPlain(instrument.price_increment)}` };
  return { value: wire(v) };
}

/** a quantity typed by the trader for a part of the position */
export function checkQuantity(input: string, p: Position, instrument?: Instrument): { value: string; error?: undefined } | { value?: undefined; error: string } {
  const v = parseDecimal(input);
  if (!v || v.lte(0)) return { error: 'A quantity above zero' };
  if (v.gt(sizeOf(p))) return { error: `At most the position, ${formatPlain(wire(sizeOf(p)))}` };
  if (instrument && !isMultipleOf(v, instrument.size_increment)) return { error: `In steps of ${formatPlain(instrument.size_increment)}` };
  if (instrument && v.lt(instrument.min_quantity)) return { error: `At least ${formatPlain(instrument.min_quantity)}` };
  return { value: wire(v) };
}

/**
 * A reversal as one market order of twice the position on the other side:
 * the first half closes it, the second opens the opposite one. One order, so
 * a refusal (on spot, selling coins not held) leaves the position as it was.
 */
export function reverseOrder(p: Position): { side: Side; quantity: string } {
  return { side: exitSide(p), quantity: wire(sizeOf(p).mul(2)) };
}

export interface ProtectForm {
  take_profit: string;
  stop_price: string;
  stop_limit: string;
  trailing_offset: string;
  trailing_unit: 'percent' | 'price';
  activation_price: string;
}
export const EMPTY_PROTECT: ProtectForm = { take_profit: '', stop_price: '', stop_limit: '', trailing_offset: '', trailing_unit: 'percent', activation_price: '' };

/**
 * The protect request from the form, or the field each refusal names: prices
 * on the price step, and take profit / stop on their sides of the mark (a
 * long's take profit above it, its stop below) — the engine decides the rest.
 */
export function protectParams(p: Position, f: ProtectForm, instrument?: Instrument): { params: ProtectPositionParams; errors?: undefined } | { params?: undefined; errors: Partial<Record<keyof ProtectForm | 'form', string>> } {
  const errors: Partial<Record<keyof ProtectForm | 'form', string>> = {};
  const params: ProtectPositionParams = { account: p.account, symbol: p.symbol };
  const long = sign(p.quantity) > 0;
  const mark = p.mark_price ? dec(p.mark_price) : null;
  const price = (key: 'take_profit' | 'stop_price' | 'stop_limit' | 'activation_price'): string | undefined => {
    if (f[key].trim() === '') return undefined;
    const r = checkPrice(f[key], instrument);
    if (r.error) errors[key] = r.error;
    return r.value;
  };
  const tp = price('take_profit');
  if (tp) {
    if (mark && (long ? dec(tp).lte(mark) : dec(tp).gte(mark))) errors.take_profit = `${long ? 'Above' : 'Below'} the mark (${formatPlain(p.mark_price)}) for a ${long ? 'long' : 'short'}`;
    params.take_profit = { price: tp };
  }
  const stop = price('stop_price');
  const stopLimit = price('stop_limit');
  if (stop) {
    if (mark && (long ? dec(stop).gte(mark) : dec(stop).lte(mark))) errors.stop_price = `${long ? 'Below' : 'Above'} the mark (${formatPlain(p.mark_price)}) for a ${long ? 'long' : 'short'}`;
    params.stop_loss = stopLimit ? { stop_price: stop, price: stopLimit } : { stop_price: stop };
  } else if (stopLimit) errors.stop_price = 'A stop price for the stop limit';
  if (f.trailing_offset.trim() !== '') {
    const v = parseDecimal(f.trailing_offset);
    if (!v || v.lte(0)) errors.trailing_offset = 'An offset above zero';
    else if (f.trailing_unit === 'percent' && v.gte(100)) errors.trailing_offset = 'Under 100 %';
    else if (f.trailing_unit === 'price' && instrument && !isMultipleOf(v, instrument.price_increment)) errors.trailing_offset = `In steps of ${formatPlain(instrument.price_increment)}`;
    else {
      const activation = price('activation_price');
      params.trailing = { offset: wire(v), unit: f.trailing_unit, ...(activation ? { activation_price: activation } : {}) };
    }
  } else if (f.activation_price.trim() !== '') errors.trailing_offset = 'An offset for the trailing stop';
  if (!params.take_profit && !params.stop_loss && !params.trailing && Object.keys(errors).length === 0) errors.form = 'Set a take profit, a stop loss or a trailing stop';
  return Object.keys(errors).length ? { errors } : { params };
}
