import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import type { BookLevel } from '../../../src-main/engine/ports/market-data.js';
import { plannedQuantity, walkLevels } from '../../../src-main/venues/paper/book-walk.js';

const levels = (...l: Array<[string, string]>): BookLevel[] => l.map(([p, q]) => [dec(p), dec(q)] as const);
const show = (fills: ReturnType<typeof walkLevels>) => fills.map((f) => `${f.quantity.toFixed()}@${f.price.toFixed()}`);

describe('walkLevels', () => {
  it('takes level by level, best first, until the quantity is met', () => {
    expect(show(walkLevels(levels(['100', '1'], ['101', '2'], ['102', '5']), 'buy', dec('2.5'), null))).toEqual(['1@100', '1.5@101']);
  });

  it('a buy stops at the first ask above its limit; a sell at the first bid below', () => {
    expect(show(walkLevels(levels(['100', '1'], ['101', '2']), 'buy', dec('5'), dec('100.5')))).toEqual(['1@100']);
    expect(show(walkLevels(levels(['99', '1'], ['98', '2']), 'sell', dec('5'), dec('98')))).toEqual(['1@99', '2@98']);
  });

  it('returns what there is when the book runs out', () => {
    const fills = walkLevels(levels(['100', '1']), 'buy', dec('3'), null);
    expect(plannedQuantity(fills).toFixed()).toBe('1');
  });

  it('an empty or out-of-limit book gives nothing', () => {
    expect(walkLevels([], 'buy', dec('1'), null)).toEqual([]);
    expect(walkLevels(levels(['100', '1']), 'buy', dec('1'), dec('99'))).toEqual([]);
  });

  it('leaves out what our own fills took: a level emptied is passed over, one partly taken offers its rest (prices as written, trailing zeros or not)', () => {
    const taken = new Map([['100', dec('1')], ['101', dec('0.5')]]);
    expect(show(walkLevels(levels(['100.00', '1'], ['101', '2'], ['102', '5']), 'buy', dec('2'), null, taken))).toEqual(['1.5@101', '0.5@102']);
    // an emptied level past the limit ends the walk as any level past it does
    expect(show(walkLevels(levels(['100', '1'], ['101', '2']), 'buy', dec('2'), dec('100'), taken))).toEqual([]);
  });
});
