import { describe, expect, it } from 'vitest';
import { backtestInstrument, normalizeSymbol } from '../../src-main/backtest/instrument.js';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { bars } from './helpers.js';

describe('the market a backtest trades', () => {
  it.each([
    ['BTC/USDT', 'BTC/USDT'],
    ['btc/usdt', 'BTC/USDT'],
    ['BTC-USDT', 'BTC/USDT'],
    ['ETH_BTC', 'ETH/BTC'],
    ['BTCUSDT', 'BTC/USDT'],
    ['BTC-PERP', 'BTC/USD'],
  ])('reads the symbol %s as %s', (text, symbol) => {
    expect(normalizeSymbol(text)).toBe(symbol);
  });

  it('refuses a symbol it cannot split, naming the field', () => {
    expect(() => normalizeSymbol('bitcoin')).toThrow('symbol must name a market as BASE/QUOTE (e.g. BTC/USDT), got "bitcoin"');
  });

  it('has the tick of the data, a size step of 10^-12, no minimum notional and the run’s fee; each can be overridden', () => {
    const spec = backtestInstrument('ETH/BTC', bars([[0.0891, 0.09, 0.0885, 0.08975]]), new Decimal('0.002'));
    expect([spec.base, spec.quote, spec.priceIncrement.toFixed(), spec.sizeIncrement.toFixed(), spec.minQuantity.toFixed(), spec.minNotional.toFixed(), spec.makerFee.toFixed(), spec.takerFee.toFixed()]).toEqual(['ETH', 'BTC', '0.00001', '0.000000000001', '0.000000000001', '0', '0.002', '0.002']);
    const custom = backtestInstrument('ETH/BTC', bars([[1, 1, 1, 1]]), new Decimal(0), { sizeIncrement: '0.001', minNotional: '0.0001' });
    expect([custom.sizeIncrement.toFixed(), custom.minQuantity.toFixed(), custom.minNotional.toFixed()]).toEqual(['0.001', '0.001', '0.0001']);
  });
});
