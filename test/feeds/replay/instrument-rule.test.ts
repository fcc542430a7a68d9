import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { deriveInstrument, splitSymbol } from '../../../src-main/feeds/replay/instrument-rule.js';

const asText = (spec: ReturnType<typeof deriveInstrument>) =>
  Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, typeof v === 'string' ? v : v.toFixed()]));

describe('deriveInstrument', () => {
  it('gives BTC/USDT near 46,000 a size step of 0.00001 and a minimum notional of 5', () => {
    expect(asText(deriveInstrument('BTC/USDT', { referencePrice: dec('46000'), priceDecimals: 1 }))).toEqual({
      symbol: 'BTC/USDT',
      base: 'BTC',
      quote: 'USDT',
      priceIncrement: '0.1',
      sizeIncrement: '0.00001',
      minQuantity: '0.00001',
      minNotional: '5',
      makerFee: '0.001',
      takerFee: '0.001',
    });
  });

  it('gives ETH/BTC near 0.09 a size step of 0.001 and a minimum notional of 0.0001', () => {
    const spec = asText(deriveInstrument('ETH/BTC', { referencePrice: dec('0.09'), priceDecimals: 8 }));
    expect(spec).toMatchObject({ priceIncrement: '0.00000001', sizeIncrement: '0.001', minQuantity: '0.001', minNotional: '0.0001' });
  });

  it('keeps the size step across the price range of the real files', () => {
    for (const price of ['28000', '38000', '69000']) {
      expect(deriveInstrument('BTC/USDT', { referencePrice: dec(price), priceDecimals: 0 }).sizeIncrement.toFixed()).toBe('0.00001');
    }
    for (const price of ['0.06', '0.08', '0.104']) {
      expect(deriveInstrument('ETH/BTC', { referencePrice: dec(price), priceDecimals: 6 }).sizeIncrement.toFixed()).toBe('0.001');
    }
  });

  it('never makes the size step coarser than 1', () => {
    expect(deriveInstrument('SHIB/USDT', { referencePrice: dec('0.00001'), priceDecimals: 8 }).sizeIncrement.toFixed()).toBe('1');
  });

  it('treats a quote it does not know like a dollar quote', () => {
    expect(deriveInstrument('BTC/XYZ', { referencePrice: dec('46000'), priceDecimals: 0 }).minNotional.toFixed()).toBe('5');
  });

  it('lets every field be overridden', () => {
    const spec = deriveInstrument('BTC/USDT', { referencePrice: dec('46000'), priceDecimals: 3 }, { priceIncrement: dec('0.5'), takerFee: dec('0.0005') });
    expect(spec.priceIncrement.toFixed()).toBe('0.5');
    expect(spec.takerFee.toFixed()).toBe('0.0005');
    expect(spec.makerFee.toFixed()).toBe('0.001');
  });

  it('refuses an override that a book could not be built on', () => {
    expect(() => deriveInstrument('BTC/USDT', { referencePrice: dec('1'), priceDecimals: 0 }, { sizeIncrement: dec('0') })).toThrow(
      /instrument sizeIncrement must be a positive decimal/,
    );
    expect(() => deriveInstrument('BTC/USDT', { referencePrice: dec('1'), priceDecimals: 0 }, { takerFee: dec('2') })).toThrow(/takerFee/);
  });
});

describe('splitSymbol', () => {
  it('reads BASE/QUOTE and a ccxt settle suffix', () => {
    expect(splitSymbol('ETH/BTC')).toEqual({ base: 'ETH', quote: 'BTC' });
    expect(splitSymbol('BTC/USDT:USDT')).toEqual({ base: 'BTC', quote: 'USDT' });
  });

  it.each(['BTCUSDT', 'BTC-PERP', 'BTC/', '/USDT', ''])('refuses %j', (symbol) => {
    expect(() => splitSymbol(symbol)).toThrow(/symbol must look like BASE\/QUOTE/);
  });
});
