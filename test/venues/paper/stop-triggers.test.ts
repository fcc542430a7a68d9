import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { immediateTriggerReason, stopReached } from '../../../src-main/venues/paper/stop-triggers.js';

describe('stop triggers', () => {
  it('a buy stop fires at or above its price, a sell stop at or below', () => {
    expect(stopReached('buy', dec('100'), dec('100'))).toBe(true);
    expect(stopReached('buy', dec('100'), dec('99.99'))).toBe(false);
    expect(stopReached('sell', dec('100'), dec('100'))).toBe(true);
    expect(stopReached('sell', dec('100'), dec('100.01'))).toBe(false);
  });

  it('without a last price nothing is reached yet', () => {
    expect(immediateTriggerReason('buy', dec('100'), undefined)).toBeNull();
    expect(immediateTriggerReason('sell', dec('100'), dec('101'))).toBeNull();
    expect(immediateTriggerReason('sell', dec('100'), dec('99'))).toBe('sell stop at 100 would trigger immediately: last price 99 is at or below it');
  });
});
