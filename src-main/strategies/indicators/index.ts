/**
 * The indicator library for strategies (`tern/strategies/indicators`). It lives in
 * src-common/indicators/ so the chart draws the very same numbers.
 */
export { Atr, Bollinger, Ema, IndicatorParamError, Macd, Rsi, Sma, compareSma } from '../../../src-common/indicators/index.js';
