import { describe, expect, it } from 'vitest';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import { FakeEngine } from '../helpers/fake-engine.js';

describe('strategy starts', () => {
  it('are logged with who started what where (no parameters, no keys)', async () => {
    const lines: Array<{ obj: object; msg?: string }> = [];
    const log = { info: (obj: object, msg?: string) => lines.push({ obj, msg }), warn: () => {}, error: () => {} };
    const handlers = strategyHandlers(new FakeEngine(), { log });
    await handlers['strategies.start']({ strategy: 'grid', account: 'paper', symbol: 'BTC/USDT', params: {} }, { actor: 'K-7' });
    await handlers['strategies.stop']({ id: 'grid', cancel_orders: true }, { actor: 'K-7' });
    expect(lines.find((l) => l.msg === 'strategy started')?.obj).toEqual({ strategy_id: 'grid', strategy: 'grid', source: 'builtin:grid', account: 'paper', symbol: 'BTC/USDT', mode: 'paper', by: 'K-7' });
    expect(lines.find((l) => l.msg === 'strategy stopped')?.obj).toEqual({ strategy_id: 'grid', by: 'K-7' });
  });
});
