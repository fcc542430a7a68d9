import type { Instrument } from '../../src-common/contract/schemas.js';
import { placesOf } from '../lib/decimal.js';
import { useMarket, tickerKey } from './market.js';
import { findInstrument, useReference } from './reference.js';

export function useSelectedInstrument(): Instrument | undefined {
  const account = useMarket((s) => s.account);
  const symbol = useMarket((s) => s.symbol);
  return useReference((s) => findInstrument(s.instruments, account, symbol));
}

const placesCache = new WeakMap<Instrument, { price: number; size: number }>();
const DEFAULT_PLACES = { price: 2, size: 4 };

/** decimal places for prices and sizes of an instrument (one object per instrument, so memoized rows keep still) */
export function placesFor(instrument: Instrument | undefined): { price: number; size: number } {
  if (!instrument) return DEFAULT_PLACES;
  let p = placesCache.get(instrument);
  if (!p) placesCache.set(instrument, (p = { price: placesOf(instrument.price_increment), size: placesOf(instrument.size_increment) }));
  return p;
}

export function useSelectedTicker() {
  return useMarket((s) => s.tickers[tickerKey(s.account, s.symbol)]);
}
