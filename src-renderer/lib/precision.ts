import type { Instrument } from '../../src-common/contract/schemas.js';
import { placesOf } from './decimal.js';

/** places for an amount of money in a quote asset when no instrument says (USDT and the like) */
export const DEFAULT_QUOTE_PLACES = 2;

/** decimal places of an asset on an account: a quote asset at its instruments' price places, a base asset at their size places; the finest wins */
export function assetPlaces(instruments: readonly Instrument[], account: string, asset: string): number | null {
  let places: number | null = null;
  for (const i of instruments) {
    if (i.account !== account) continue;
    if (i.quote === asset) places = Math.max(places ?? 0, placesOf(i.price_increment));
    if (i.base === asset) places = Math.max(places ?? 0, placesOf(i.size_increment));
  }
  return places;
}

/** price places of a symbol on an account, or null when the instrument is not known */
export function pricePlaces(instruments: readonly Instrument[], account: string, symbol: string): number | null {
  const i = instruments.find((x) => x.account === account && x.symbol === symbol);
  return i ? placesOf(i.price_increment) : null;
}
