import { describe, expect, it } from 'vitest';
import { dec, formatFixed, formatPlain, formatUpTo, isMultipleOf, parseDecimal, placesOf, roundToIncrement, sign, wire } from '../../../src-renderer/lib/decimal.js';

describe('decimal helpers', () => {
  it('parses trader input with separators, refuses anything else', () => {
    expect(wire(parseDecimal(' 1,000.50 ')!)).toBe('1000.5');
    expect(wire(parseDecimal('.5')!)).toBe('0.5');
    for (const bad of ['', 'abc', '1e5', '1.2.3', '--1', 'NaN', 'Infinity']) expect(parseDecimal(bad), bad).toBeNull();
  });

  it('checks increments exactly, where floats would not', () => {
    expect(isMultipleOf(dec('0.3'), '0.1')).toBe(true);
    expect(isMultipleOf(dec('46000.01'), '0.01')).toBe(true);
    expect(isMultipleOf(dec('46000.015'), '0.01')).toBe(false);
    expect(isMultipleOf(dec('0.00003'), '0.00001')).toBe(true);
  });

  it('rounds to an increment', () => {
    expect(wire(roundToIncrement(dec('46000.016'), '0.01'))).toBe('46000.02');
    expect(wire(roundToIncrement(dec('46000.016'), '0.01', 'down'))).toBe('46000.01');
    expect(wire(roundToIncrement(dec('7'), '5', 'up'))).toBe('10');
  });

  it('formats with fixed places and grouping, signs optional, from strings', () => {
    expect(formatFixed('1234567.891', 2)).toBe('1,234,567.89');
    expect(formatFixed('-0.001', 2)).toBe('0.00');
    expect(formatFixed('-12.5', 1)).toBe('-12.5');
    expect(formatFixed('4.36', 2, { sign: true })).toBe('+4.36');
    expect(formatFixed(null, 2)).toBe('—');
    expect(formatPlain('46450.795912')).toBe('46,450.795912');
    expect(formatUpTo('46450.795912', 4)).toBe('46,450.7959');
    expect(formatUpTo('0.5', 4)).toBe('0.5');
  });

  it('reads places from an increment and the sign of a decimal string', () => {
    expect(placesOf('0.01')).toBe(2);
    expect(placesOf('0.00001')).toBe(5);
    expect(placesOf('1')).toBe(0);
    expect([sign('-0.5'), sign('0'), sign('-0.00'), sign('3')]).toEqual([-1, 0, 0, 1]);
  });
});
