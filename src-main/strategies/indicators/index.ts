/** The indicator library: streaming, plain numbers, no allocation per update. */
export { Sma, compareSma } from './sma.js';
export { Ema } from './ema.js';
export { Rsi } from './rsi.js';
export { Atr } from './atr.js';
export { Bollinger } from './bollinger.js';
export { Macd } from './macd.js';
