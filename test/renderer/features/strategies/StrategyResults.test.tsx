// @vitest-environment happy-dom
// The Strategies screen shows a strategy's own results (issue 11) with the Backtest screen's metrics,
// equity chart and trade list, so a live run reads like a backtest.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import StrategiesView from '../../../../src-renderer/features/strategies/StrategiesView.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useStrategies } from '../../../../src-renderer/state/strategies.js';
import { METRICS, SMA_CROSS, report } from '../../helpers/backtests.js';
import { FakeClient, INSTRUMENT } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

// ECharts needs a canvas happy-dom lacks; the chart's option is tested with the Backtest screen's
vi.mock('../../../../src-renderer/features/backtest/Charts.js', () => ({
  EquityDrawdownChart: ({ report }: { report: { equity_curve: unknown[] } }) => <div data-testid="backtest-equity-chart" data-points={report.equity_curve.length} />,
}));

beforeAll(() => {
  const proto = HTMLDialogElement.prototype as unknown as { showModal?: () => void };
  proto.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
beforeEach(() => {
  resetStores();
  useStrategies.getState().reset();
  useReference.getState().setAccounts([{ id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' }]);
  useReference.getState().setInstruments([INSTRUMENT]);
});
afterEach(cleanup);

const instance = { id: 'sma-cross', strategy: 'sma-cross', source: 'builtin:sma-cross', account: 'paper', symbol: 'BTC/USDT', mode: 'paper', params: { fast: 10, slow: 30, fraction: 0.95 }, status: 'running', error: null, error_stack: null, restart: null, started_at: 1_700_000_000_000, stopped_at: null, orders_placed: 4, refusals: [] };
const r = report();
const results = {
  quote: 'USDT',
  cash: '10000',
  timeframe_ms: 60_000,
  start_ts: r.start_ts,
  end_ts: r.end_ts,
  position: '0.0125',
  realized_pnl: '170.4',
  unrealized_pnl: '-3.25',
  mark_price: '46400',
  metrics: METRICS,
  open_position: null,
  equity_curve: r.equity_curve,
  trade_list: r.trade_list,
};

describe('Strategies screen: a strategy’s results', () => {
  it('shows its trades, PnL, fees, win rate, exposure and equity curve, as a backtest report does', async () => {
    const client = new FakeClient({
      'strategies.list': () => ({ available: [SMA_CROSS], running: [instance] }),
      'strategies.get': () => ({ ...instance, results }),
    });
    const { container } = await render(<StrategiesView />, client);
    await flush();
    expect(container.querySelector('[data-testid="strategy-results"]')).toBeNull();
    await click($(container, '[data-strategy="sma-cross"] [data-testid="strategy-results-toggle"]'));
    await flush();
    expect(client.callsOf('strategies.get')).toEqual([{ id: 'sma-cross' }]);
    const panel = $(container, '[data-testid="strategy-results"]');
    const metrics = Object.fromEntries([...panel.querySelectorAll('[data-testid="metrics-table"] tr')].map((row) => [row.getAttribute('data-metric'), row.querySelector('td')!.textContent]));
    expect(metrics).toMatchObject({ final_equity: '10,150.50 USDT', total_return: '1.51 %', max_drawdown: '4.21 %', fees: '19.90 USDT' });
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['trades', 'win_rate', 'exposure', 'fees']));
    expect($(panel, '[data-testid="strategy-position"]').textContent).toContain('0.0125');
    expect($(panel, '[data-testid="strategy-realized"]').textContent).toBe('+170.40 USDT');
    expect($(panel, '[data-testid="strategy-unrealized"]').textContent).toBe('-3.25 USDT');
    expect($(panel, '[data-testid="backtest-equity-chart"]').dataset.points).toBe(String(r.equity_curve.length));
    expect(panel.querySelectorAll('[data-testid="trade-list"] tbody tr')).toHaveLength(r.trade_list.length);
    // a second click hides them
    await click($(container, '[data-testid="strategy-results-toggle"]'));
    expect(container.querySelector('[data-testid="strategy-results"]')).toBeNull();
  });
});
