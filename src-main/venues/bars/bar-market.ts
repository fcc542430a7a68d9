import type { Decimal } from '../../engine/model/decimal.js';
import type { InstrumentSpec } from '../../engine/model/types.js';
import type { MarketFeed } from '../../engine/ports/market-data.js';

/**
 * The bars a backtest venue fills against: one symbol's series and the
 * cursor the runner moves (the backtest's BarFeed). Prices come as doubles
 * for quick comparisons and as exact decimals where money is made.
 */
export interface BarMarket extends MarketFeed {
  readonly instrument: InstrumentSpec;
  readonly series: { readonly open: ArrayLike<number>; readonly high: ArrayLike<number>; readonly low: ArrayLike<number> };
  /** the bar the runner stands at */
  index: number;
  /** at the bar's open fills happen; at its close the strategy decides */
  phase: 'open' | 'close';
  /** the exact price `field` of bar `row` */
  price(row: number, field: 'open' | 'high' | 'low' | 'close'): Decimal;
}
