import { BinanceError, binanceErrors } from '../../src-main/api/binance/errors.js';

/** Binance's errors, shared with Tern's Binance gateway (src-main/api/binance/errors.ts). */
export { BinanceError as SimError };

export const errors = {
  ...binanceErrors,
  notFound: (what: string) => binanceErrors.notFound(`exchange-sim does not implement ${what}`),
};
