import { describe, expect, it } from 'vitest';
import { paramForm, paramOfField, paramValues, paramsText, rangeHint } from '../../../../src-renderer/features/strategies/params.js';
import type { StrategyParamSpec } from '../../../../src-renderer/state/strategies.js';

const SMA: StrategyParamSpec[] = [
  { name: 'fast', type: 'integer', default: 10, min: 1, description: 'bars in the fast SMA' },
  { name: 'slow', type: 'integer', default: 30, min: 2 },
  { name: 'fraction', type: 'number', default: 0.95, min: 0, max: 1 },
  { name: 'trend', type: 'boolean', default: false },
  { name: 'side', type: 'string', default: 'long', options: ['long', 'short'] },
];

describe('strategy parameters as a form', () => {
  it('starts from the declared defaults, or from the values of a run', () => {
    expect(paramForm(SMA)).toEqual({ fast: '10', slow: '30', fraction: '0.95', trend: false, side: 'long' });
    expect(paramForm(SMA, { fast: 5, trend: true })).toMatchObject({ fast: '5', slow: '30', trend: true });
  });

  it('types what was typed by the declaration', () => {
    expect(paramValues(SMA, { fast: '5', slow: ' 20 ', fraction: '0.5', trend: true, side: 'short' })).toEqual({ values: { fast: 5, slow: 20, fraction: 0.5, trend: true, side: 'short' }, errors: {} });
  });

  it('names each parameter that breaks its declaration', () => {
    const { errors } = paramValues(SMA, { fast: '2.5', slow: '1', fraction: '1.5', trend: false, side: 'both' });
    expect(errors).toEqual({ fast: 'A whole number', slow: 'At least 2', fraction: 'At most 1', side: 'One of long, short' });
    expect(paramValues(SMA, { ...paramForm(SMA), fraction: 'lots' }).errors).toEqual({ fraction: 'A number' });
    expect(paramValues(SMA, { ...paramForm(SMA), fast: '' }).errors).toEqual({ fast: 'A whole number' });
  });

  it('helps with hints, refusals and cells', () => {
    expect(rangeHint(SMA[2]!)).toBe('min 0 · max 1');
    expect(paramOfField('params.fast')).toBe('fast');
    expect(paramOfField('symbol')).toBeUndefined();
    expect(paramsText({ fast: 5, slow: 20 })).toBe('fast=5 slow=20');
  });
});
