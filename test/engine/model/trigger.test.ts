import { describe, expect, it } from 'vitest';
import { triggerDirection, triggerFires } from '../../../src-common/contract/constants/orders.js';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { immediateTriggerReason, triggerReached } from '../../../src-main/engine/model/trigger.js';

describe('trigger rule', () => {
  it('a buy stop fires at or above its price, a sell stop at or below', () => {
    expect(triggerReached('stop_market', 'buy', dec('100'), dec('100'))).toBe(true);
    expect(triggerReached('stop_limit', 'buy', dec('100'), dec('99.99'))).toBe(false);
    expect(triggerReached('stop_market', 'sell', dec('100'), dec('100'))).toBe(true);
    expect(triggerReached('stop_limit', 'sell', dec('100'), dec('100.01'))).toBe(false);
    expect(triggerReached('trailing_stop', 'sell', dec('100'), dec('99'))).toBe(true);
  });

  it('a take profit fires the other way: a sell at or above its price, a buy at or below', () => {
    expect(triggerReached('take_profit_market', 'sell', dec('100'), dec('99.99'))).toBe(false);
    expect(triggerReached('take_profit_market', 'sell', dec('100'), dec('100'))).toBe(true);
    expect(triggerReached('take_profit_limit', 'sell', dec('100'), dec('101'))).toBe(true);
    expect(triggerReached('take_profit_market', 'buy', dec('100'), dec('100.01'))).toBe(false);
    expect(triggerReached('take_profit_limit', 'buy', dec('100'), dec('100'))).toBe(true);
    expect(triggerDirection('take_profit_limit', 'sell')).toBe('rise');
    expect(triggerDirection('stop_limit', 'sell')).toBe('fall');
    expect(triggerFires('take_profit_market', 'buy', -1)).toBe(true);
  });

  it('without a last price nothing is reached yet; one already reached is named', () => {
    expect(immediateTriggerReason('stop_market', 'buy', dec('100'), undefined)).toBeNull();
    expect(immediateTriggerReason('stop_market', 'sell', dec('100'), dec('101'))).toBeNull();
    expect(immediateTriggerReason('stop_market', 'sell', dec('100'), dec('99'))).toBe('sell stop at 100 would trigger immediately: last price 99 is at or below it');
    expect(immediateTriggerReason('take_profit_market', 'sell', dec('100'), dec('99'))).toBeNull();
    expect(immediateTriggerReason('take_profit_limit', 'sell', dec('100'), dec('100.5'))).toBe('sell take profit at 100 would trigger immediately: last price 100.5 is at or above it');
  });
});
