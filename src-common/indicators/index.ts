/**
 * The indicator library: streaming, plain numbers, no allocation per update. One
 * implementation for strategies (src-main/strategies/indicators) and the chart
 * (src-renderer/features/market/indicators): it imports nothing but its own files.
 */
export { IndicatorParamError } from './check.js';
export { Sma, compareSma } from './sma.js';
export { Ema } from './ema.js';
export { Rsi } from './rsi.js';
export { Atr } from './atr.js';
export { Bollinger } from './bollinger.js';
export { Macd } from './macd.js';
