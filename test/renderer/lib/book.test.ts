import { describe, expect, it } from 'vitest';
import { groupLevels, groupStep } from '../../../src-renderer/lib/book.js';

describe('order book grouping', () => {
  it('names steps as multiples of the price increment, exactly', () => {
    expect(groupStep('0.01', 1)).toBe('0.01');
    expect(groupStep('0.01', 100)).toBe('1');
    expect(groupStep('0.00000001', 10)).toBe('0.0000001');
  });

  it('merges bids down and asks up to the step, summing sizes exactly', () => {
    const bids = [['100.9', '0.1'], ['100.2', '0.2'], ['99.99', '0.3']] as const;
    const asks = [['101.01', '0.1'], ['101.9', '0.2'], ['102.5', '0.3']] as const;
    expect(groupLevels(bids, '1', 'bid')).toEqual([['100', '0.3'], ['99', '0.3']]);
    expect(groupLevels(asks, '1', 'ask')).toEqual([['102', '0.3'], ['103', '0.3']]);
  });

  it('at the increment itself leaves the book as it is', () => {
    const bids = [['100.91', '0.1'], ['100.9', '0.2']] as const;
    expect(groupLevels(bids, '0.01', 'bid')).toEqual([['100.91', '0.1'], ['100.9', '0.2']]);
  });
});
