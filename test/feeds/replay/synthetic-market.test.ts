import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, Decimal, isMultipleOf } from '../../../src-main/engine/model/decimal.js';
import type { Bar } from '../../../src-main/engine/ports/market-data.js';
import { deriveInstrument } from '../../../src-main/feeds/replay/instrument-rule.js';
import {
  aggressorSide,
  barPath,
  BOOK_LEVELS,
  gridPrice,
  printQuantity,
  synthesizeBook,
} from '../../../src-main/feeds/replay/synthetic-market.js';

const btc = deriveInstrument('BTC/USDT', { referencePrice: dec('46000'), priceDecimals: 0 });
const ethBtc = deriveInstrument('ETH/BTC', { referencePrice: dec('0.09'), priceDecimals: 8 });

const bar = (open: string, high: string, low: string, close: string, volume = '10'): Bar => ({
  ts: 0,
  open: dec(open),
  high: dec(high),
  low: dec(low),
  close: dec(close),
  volume: dec(volume),
});

describe('synthesizeBook', () => {
  it('puts the best bid and ask one basis point (rounded up to a tick) either side of the price, ten levels deep', () => {
    const book = synthesizeBook('BTC/USDT', dec('46000'), btc, 7);
    expect(book.bids).toHaveLength(BOOK_LEVELS);
    expect(book.asks).toHaveLength(BOOK_LEVELS);
    // 1 bp of 46,000 is 4.6 → 5 whole ticks of 1
    expect(book.bids.slice(0, 2).map(([p, q]) => [p.toFixed(), q.toFixed()])).toEqual([
      ['45995', '0.01087'],
      ['45990', '0.02174'],
    ]);
    expect(book.asks[0]!.map((d) => d.toFixed())).toEqual(['46005', '0.01087']);
    expect(book.asks[9]!.map((d) => d.toFixed())).toEqual(['46050', '0.1087']);
    expect(book.ts).toBe(7);
  });

  it('steps by one tick when a basis point is less than a tick', () => {
    const spec = deriveInstrument('X/USDT', { referencePrice: dec('2'), priceDecimals: 2 });
    const book = synthesizeBook('X/USDT', dec('2'), spec, 0);
    expect(book.bids[0]![0].toFixed()).toBe('1.99');
    expect(book.asks[0]![0].toFixed()).toBe('2.01');
  });

  it('leaves out bid levels that would reach zero', () => {
    const spec = deriveInstrument('X/USDT', { referencePrice: dec('0.03'), priceDecimals: 2 });
    const book = synthesizeBook('X/USDT', dec('0.03'), spec, 0);
    expect(book.bids.map(([p]) => p.toFixed())).toEqual(['0.02', '0.01']);
    expect(book.asks).toHaveLength(BOOK_LEVELS);
  });

  const price = fc
    .tuple(fc.integer({ min: 1, max: 1_000_000_000 }), fc.integer({ min: 0, max: 8 }))
    .map(([units, decimals]) => new Decimal(units).div(new Decimal(10).pow(decimals)));
  const spec = fc
    .tuple(price, fc.integer({ min: 0, max: 8 }), fc.constantFrom('USDT', 'BTC', 'ETH'))
    .map(([reference, decimals, quote]) => deriveInstrument(`X/${quote}`, { referencePrice: reference, priceDecimals: decimals }));

  it('is never crossed, never has a zero quantity, and sits on the price and size grids (any price, any instrument)', () => {
    fc.assert(
      fc.property(spec, price, (instrument, raw) => {
        const p = gridPrice(raw, instrument);
        const book = synthesizeBook('X', p, instrument, 0);
        expect(book.asks.length).toBe(BOOK_LEVELS);
        if (book.bids.length > 0) expect(book.bids[0]![0].lt(book.asks[0]![0])).toBe(true);
        for (const side of [book.bids, book.asks]) {
          for (const [level, quantity] of side) {
            expect(level.gt(0)).toBe(true);
            expect(quantity.gt(0)).toBe(true);
            expect(quantity.gte(instrument.minQuantity)).toBe(true);
            expect(isMultipleOf(level, instrument.priceIncrement)).toBe(true);
            expect(isMultipleOf(quantity, instrument.sizeIncrement)).toBe(true);
          }
        }
        // best first, and deeper levels hold more
        for (let i = 1; i < book.bids.length; i++) {
          expect(book.bids[i]![0].lt(book.bids[i - 1]![0])).toBe(true);
          expect(book.bids[i]![1].gt(book.bids[i - 1]![1])).toBe(true);
        }
        for (let i = 1; i < book.asks.length; i++) expect(book.asks[i]![0].gt(book.asks[i - 1]![0])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('barPath', () => {
  it('goes open, low, high, close for a bar that closed up', () => {
    expect(barPath(bar('10', '12', '9', '11')).map((d) => d.toFixed())).toEqual(['10', '9', '12', '11']);
  });

  it('goes open, high, low, close for a bar that closed down', () => {
    expect(barPath(bar('10', '12', '9', '9.5')).map((d) => d.toFixed())).toEqual(['10', '12', '9', '9.5']);
  });

  it('treats a bar that closed where it opened as up', () => {
    expect(barPath(bar('10', '12', '9', '10')).map((d) => d.toFixed())).toEqual(['10', '9', '12', '10']);
  });
});

describe('printQuantity', () => {
  it('is a quarter of the volume, floored to the size step', () => {
    expect(printQuantity(dec('10'), dec('0.09'), ethBtc).toFixed()).toBe('1.111');
    expect(printQuantity(dec('0.4'), dec('46000'), btc).toFixed()).toBe('0.1');
  });

  it('is at least the minimum quantity, even for a zero-volume bar', () => {
    expect(printQuantity(dec('0'), dec('46000'), btc).toFixed()).toBe('0.00001');
  });

  it('is at most what 1,000 minimum notionals buy, so a volume counted in quote units stays small', () => {
    // FTX counts volume in USD: 2.3M / 4 would be 575,000 BTC
    expect(printQuantity(dec('2300413.7295'), dec('46319'), btc).toFixed()).toBe('0.10794');
  });
});

describe('aggressorSide', () => {
  it('is a buy when the price rose from the previous print, else a sell', () => {
    expect(aggressorSide(dec('11'), dec('10'))).toBe('buy');
    expect(aggressorSide(dec('10'), dec('10'))).toBe('sell');
    expect(aggressorSide(dec('9'), dec('10'))).toBe('sell');
    expect(aggressorSide(dec('9'), undefined)).toBe('sell');
  });
});
