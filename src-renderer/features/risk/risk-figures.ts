import type { Instrument } from '../../../src-common/contract/schemas.js';
import { formatFixed, formatUpTo, placesOf } from '../../lib/decimal.js';
import { DEFAULT_QUOTE_PLACES, pricePlaces } from '../../lib/precision.js';

/** what a limit and its usage count: orders or trades, orders per second, a percent, an amount of the quote or base asset */
export type Figure = 'count' | 'rate' | 'percent' | 'quote' | 'base';

/** places of a rate or a percent on screen */
const RATIO_PLACES = 2;
/** places of a base amount when the instrument is not known */
const BASE_PLACES = 8;

/**
 * A limit or its usage at the precision the blotters use: an amount of the
 * quote asset at the symbol's price places (the scope's quote precision when
 * it names no symbol), a base amount at most at the size places, counts
 * whole, rates and percents to 2 places.
 */
export function formatFigure(figure: Figure, value: string | null, scope: { account: string | null; symbol: string | null }, instruments: readonly Instrument[]): string {
  const instrument = scope.symbol === null ? undefined : instruments.find((i) => i.symbol === scope.symbol && (scope.account === null || i.account === scope.account));
  switch (figure) {
    case 'count':
      return formatFixed(value, 0);
    case 'rate':
    case 'percent':
      return formatUpTo(value, RATIO_PLACES);
    case 'quote':
      return formatFixed(value, (instrument && pricePlaces(instruments, instrument.account, instrument.symbol)) ?? DEFAULT_QUOTE_PLACES);
    case 'base':
      return formatUpTo(value, instrument ? placesOf(instrument.size_increment) : BASE_PLACES);
  }
}
