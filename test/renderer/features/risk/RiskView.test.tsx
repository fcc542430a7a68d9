// @vitest-environment happy-dom
/**
 * The Risk screen shows limits and usage at the precision the blotters use
 * (issue 13, "Numbers"): money at the quote's places, base amounts at the size
 * places, counts whole, rates and percents to 2 places — never the engine's
 * raw 8-place decimals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Risk } from '../../../../src-common/contract/schemas.js';
import RiskView from '../../../../src-renderer/features/risk/RiskView.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useRisk } from '../../../../src-renderer/state/risk.js';
import { FakeClient, INSTRUMENT, RISK } from '../../helpers/fake-client.js';
import { cleanup, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeEach(() => resetStores());
afterEach(cleanup);

const usage = (c: HTMLElement) => [...c.querySelectorAll('.risk-usage .gauge')].map((g) => `${g.querySelector('.gauge-label')!.textContent} = ${g.querySelector('.gauge-value')!.textContent}`);

describe('Risk screen numbers', () => {
  it('usage against limits at the figure’s precision', async () => {
    useReference.getState().setInstruments([{ ...INSTRUMENT, account: 'paper', symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', price_increment: '0.00001', size_increment: '0.0001' }]);
    useRisk.getState().set({
      ...RISK,
      usage: {
        open_orders: [{ account: 'paper', symbol: 'ETH/BTC', value: '3', limit: '500' }],
        orders_per_second: [{ account: null, symbol: null, value: '0.333333', limit: '5' }],
        daily_loss: [
          { account: null, symbol: null, value: '-12.34567891', limit: '1000' },
          { account: 'paper', symbol: null, value: '0.00000001', limit: null },
        ],
        drawdown_pct: [{ account: 'paper', symbol: null, value: '3.14159265', limit: '10' }],
        consecutive_losses: [{ account: 'paper', symbol: null, value: '2', limit: '5' }],
      },
    } as Risk);
    const { container } = await render(<RiskView />, new FakeClient());
    expect(usage(container)).toEqual([
      'Open orders paper · ETH/BTC = 3 / 500',
      'Orders per second Global (all accounts) = 0.33 / 5',
      'Daily loss Global (all accounts) = -12.35 / 1,000.00',
      'Daily loss Account paper = 0.00 / no limit',
      'Drawdown % Account paper = 3.14 / 10',
      'Losses in a row Account paper = 2 / 5',
    ]);
  });

  it('breaker trips show their value and limit at the same precision', async () => {
    useRisk.getState().set({
      ...RISK,
      breakers: [
        { rule: 'max_daily_loss', account: 'paper', tripped_at: '2024-01-01T00:00:00.000Z', reason: 'max_daily_loss: …', limit: '1000', value: '1234.56789012' },
        { rule: 'max_drawdown_pct', account: null, tripped_at: '2024-01-01T00:01:00.000Z', reason: 'max_drawdown_pct: …', limit: '5', value: '5.12345678' },
      ],
    } as Risk);
    const { container } = await render(<RiskView />, new FakeClient());
    const rows = [...container.querySelectorAll('.risk-breakers tbody tr')].map((tr) => [...tr.querySelectorAll('td.num')].map((td) => td.textContent));
    // newest first
    expect(rows).toEqual([
      ['5.12', '5'],
      ['1,234.57', '1,000.00'],
    ]);
  });
});
