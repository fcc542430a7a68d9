import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStrategy } from '../../src-main/strategies/loader.js';
import { backtest, closes } from '../backtest/helpers.js';

const root = join(import.meta.dirname, '..', '..');

describe('loading a strategy', () => {
  it('finds a built-in one by name', async () => {
    const { definition, source } = await loadStrategy('sma-cross');
    expect([definition.name, source]).toEqual(['sma-cross', 'builtin:sma-cross']);
  });

  it('loads a module file by path (relative to the folder it is given), its default export a definition', async () => {
    const { definition, source } = await loadStrategy('test/strategies/fixtures/breakout.ts', root);
    expect(definition.name).toBe('breakout');
    expect(source).toBe(join(root, 'test/strategies/fixtures/breakout.ts'));
  });

  it('runs a module from a file in a backtest like a built-in one', async () => {
    const r = await backtest(closes([10, 11, 12, 11, 10, 12]), join(root, 'test/strategies/fixtures/breakout.ts'), { params: { size: 2 } });
    expect(r.strategy).toMatchObject({ name: 'breakout', params: { size: 2, atr: 3 } });
    expect(r.fills.map((f) => f.side)).toEqual(['buy', 'sell']);
    expect(r.orders.placed).toBe(3); // the last buy, on the last bar, never fills
    expect(r.logs[0]).toMatchObject({ message: 'started', data: { size: 2 } });
  });

  it('refuses an unknown name, a missing file and a module that is not a strategy, saying why', async () => {
    await expect(loadStrategy('macd-magic')).rejects.toThrow(/neither a built-in strategy \(sma-cross, rsi-reversion, grid\) nor a path/);
    await expect(loadStrategy('./nope.ts', root)).rejects.toThrow(/strategy file not found/);
    await expect(loadStrategy('test/strategies/fixtures/not-a-strategy.mjs', root)).rejects.toThrow(/name must be lowercase letters/);
  });
});
