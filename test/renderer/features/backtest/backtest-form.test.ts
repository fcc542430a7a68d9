import { describe, expect, it } from 'vitest';
import { DEFAULT_DRAFT, MODULE_STRATEGY, backtestFieldOf, backtestParams, parseParamPairs } from '../../../../src-renderer/features/backtest/backtest-form.js';
import type { StrategyParamSpec } from '../../../../src-renderer/state/strategies.js';

const SPECS: StrategyParamSpec[] = [
  { name: 'fast', type: 'integer', default: 10, min: 1 },
  { name: 'slow', type: 'integer', default: 30, min: 2 },
];

describe('new-backtest form', () => {
  it('makes the params of backtests.start from the draft, money and rates as exact decimal strings', () => {
    const draft = { ...DEFAULT_DRAFT, data: ' resources/replay/BTC-USDT_1m_sample.csv ', symbol: 'btc/usdt', params: { fast: '5', slow: '20' }, cash: '10,000', fee: '0.0010', slippage: '' };
    expect(backtestParams(draft, SPECS)).toEqual({
      params: { data: 'resources/replay/BTC-USDT_1m_sample.csv', symbol: 'BTC/USDT', strategy: 'sma-cross', params: { fast: 5, slow: 20 }, cash: '10000', fee: '0.001', slippage: '0' },
    });
  });

  it('names every field that cannot be sent, and each bad parameter', () => {
    const draft = { ...DEFAULT_DRAFT, data: '', symbol: 'X', params: { fast: '0', slow: '30' }, cash: '0', fee: '1', slippage: '-0.1' };
    expect(backtestParams(draft, SPECS)).toEqual({
      errors: {
        data: expect.stringContaining('candle CSV'),
        symbol: expect.any(String),
        param: { fast: 'At least 1' },
        cash: expect.stringContaining('greater than zero'),
        fee: expect.stringContaining('fraction'),
        slippage: expect.stringContaining('fraction'),
      },
    });
  });

  it('runs a strategy module by path with NAME=VALUE parameters the engine types', () => {
    const draft = { ...DEFAULT_DRAFT, strategy: MODULE_STRATEGY, modulePath: 'strategies/mine.ts', moduleParams: 'fast=5, slow=20' };
    expect(backtestParams(draft, [])).toMatchObject({ params: { strategy: 'strategies/mine.ts', params: { fast: '5', slow: '20' } } });
    expect(backtestParams({ ...draft, modulePath: '' }, [])).toMatchObject({ errors: { strategy: expect.any(String) } });
    expect(parseParamPairs('fast')).toEqual({ ok: false, error: '"fast" is not NAME=VALUE' });
  });

  it('puts an engine refusal at its field or parameter', () => {
    expect(backtestFieldOf('params.fast')).toEqual({ param: 'fast' });
    expect(backtestFieldOf('fee')).toEqual({ field: 'fee' });
    expect(backtestFieldOf('grid.fast')).toBeNull();
    expect(backtestFieldOf(undefined)).toBeNull();
  });
});
