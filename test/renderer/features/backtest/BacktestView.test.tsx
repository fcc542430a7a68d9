// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import BacktestView from '../../../../src-renderer/features/backtest/BacktestView.js';
import { useBacktests } from '../../../../src-renderer/state/backtests.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useStrategies } from '../../../../src-renderer/state/strategies.js';
import { RSI, SMA_CROSS, detail, job, report } from '../../helpers/backtests.js';
import { FakeClient, INSTRUMENT } from '../../helpers/fake-client.js';
import { $, cleanup, click, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

// ECharts needs a canvas happy-dom lacks; the chart options are tested on their own (report-view.test.ts)
vi.mock('../../../../src-renderer/features/backtest/Charts.js', () => ({
  EquityDrawdownChart: ({ report }: { report: { equity_curve: unknown[] } }) => <div data-testid="backtest-equity-chart" data-points={report.equity_curve.length} />,
  TradesChart: ({ report, candles }: { report: { trade_list: unknown[] }; candles: unknown[] | null }) => <div data-testid="backtest-trades-chart" data-trades={report.trade_list.length} data-candles={candles?.length ?? 0} />,
  CompareChart: ({ details }: { details: Array<{ id: string }> }) => <div data-testid="backtest-compare-chart" data-runs={details.map((d) => d.id).join(',')} />,
}));

beforeEach(() => {
  resetStores();
  useBacktests.getState().reset();
  useStrategies.getState().reset();
  localStorage.clear();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(async () => {
  await cleanup();
  vi.useRealTimers();
});

const tick = async (ms = 0) => {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
};
const field = (c: HTMLElement, name: string) => $(c, `[name="${name}"]`) as HTMLInputElement;

/** an engine with one backtest that runs for two polls, then is done */
function engine() {
  const jobs: Array<ReturnType<typeof job>> = [];
  let polls = 0;
  const client = new FakeClient({
    'strategies.list': () => ({ available: [SMA_CROSS, RSI], running: [] }),
    'backtests.list': () => {
      polls++;
      if (jobs[0] && polls > 3) jobs[0] = { ...jobs[0], status: 'done', progress: { done: 4320, total: 4320, unit: 'bars' } };
      return jobs;
    },
    'backtests.start': (p: any) => {
      const j = job({ id: `bt-${jobs.length + 1}`, status: 'running', params: p.params, data: p.data, progress: { done: 0, total: 0, unit: 'bars' } });
      jobs.unshift(j);
      polls = 0;
      return j;
    },
    'backtests.get': (p: any) => {
      const j = jobs.find((x) => x.id === p.id)!;
      return { ...j, report: j.status === 'done' ? report({ strategy: { ...report().strategy, params: j.params } }) : null, sweep: null };
    },
  });
  return { client, jobs };
}

describe('Backtest screen', () => {
  it("offers the files of the engine's imports and strategies folders; in the desktop app Choose… fills in the picked file", async () => {
    const { client } = engine();
    const folders = { strategies: { folders: ['/data/strategies'], files: ['mine.mjs'] }, imports: { folders: ['/data/imports'], files: ['BTC-USDT_1m_sample.csv', 'eth.csv'] } };
    client.handlers['files.list'] = () => folders;
    const chosen: unknown[] = [];
    (window as any).tern = { shell: async (method: string, params: unknown) => (chosen.push([method, params]), { name: '/picked/btc.csv', folder: '/picked' }) };
    try {
      const { container } = await render(<BacktestView />, client);
      await tick();
      const options = [...container.querySelectorAll(`#${CSS.escape(field(container, 'data').getAttribute('list')!)} option`)].map((o) => o.getAttribute('value'));
      expect(options).toEqual(expect.arrayContaining(['BTC-USDT_1m_sample.csv', 'eth.csv']));
      expect(container.textContent).toContain('Put files in /data/imports');
      await click($(container, '[data-testid="choose-data"]'));
      await tick();
      expect(chosen).toEqual([['files.choose', { kind: 'imports' }]]);
      expect(field(container, 'data').value).toBe('/picked/btc.csv');
    } finally {
      delete (window as any).tern;
    }
  });

  it('has no Choose… button in a browser', async () => {
    const { client } = engine();
    const { container } = await render(<BacktestView />, client);
    await tick();
    expect(container.querySelector('[data-testid="choose-data"]')).toBeNull();
  });

  it('builds the parameter fields from the strategy, with its defaults', async () => {
    const { client } = engine();
    const { container } = await render(<BacktestView />, client);
    await tick();
    expect(field(container, 'param-fast').value).toBe('10');
    expect(field(container, 'param-slow').value).toBe('30');
    expect(field(container, 'param-fraction').value).toBe('0.95');
    const select = $(container, '[name="strategy"]') as HTMLSelectElement;
    await act(async () => {
      select.value = 'rsi-reversion';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(field(container, 'param-period').value).toBe('14');
    expect(container.querySelector('[name="param-fast"]')).toBeNull();
  });

  it('starts a run, shows its progress, then its metrics, charts and trades', async () => {
    const { client } = engine();
    const { container } = await render(<BacktestView />, client);
    await tick();
    await type(field(container, 'param-fast'), '5');
    await act(async () => {
      $(container, '[data-testid="backtest-form"]').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(client.callsOf('backtests.start')).toEqual([
      { data: 'BTC-USDT_1m_sample.csv', symbol: 'BTC/USDT', strategy: 'sma-cross', params: { fast: 5, slow: 30, fraction: 0.95 }, cash: '10000', fee: '0.001', slippage: '0' },
    ]);
    await tick();
    expect($(container, '[data-testid="run-detail"]').dataset.status).toBe('running');
    expect($(container, '[data-testid="run-detail"] [data-testid="backtest-progress"]').textContent).toBe('loading data…');
    for (let i = 0; i < 5; i++) await tick(500);
    expect($(container, '[data-testid="run-detail"]').dataset.status).toBe('done');
    const metrics = Object.fromEntries([...container.querySelectorAll('[data-testid="metrics-table"] tr')].map((r) => [r.getAttribute('data-metric'), r.querySelector('td')!.textContent]));
    expect(metrics).toMatchObject({ final_equity: '10,150.50 USDT', total_return: '1.51 %', sharpe: '1.234', sortino: '—', max_drawdown: '4.21 %', fees: '19.90 USDT' });
    expect($(container, '[data-testid="backtest-equity-chart"]').dataset.points).toBe('3');
    expect($(container, '[data-testid="backtest-trades-chart"]').dataset.trades).toBe('2');
    expect(container.querySelectorAll('[data-testid="trade-list"] tbody tr')).toHaveLength(2);
    // the form is remembered for next time (no secrets in it)
    expect(JSON.parse(localStorage.getItem('tern.backtest.draft')!)).toMatchObject({ strategy: 'sma-cross', params: { fast: '5' } });
  });

  it('checks the form and names the field, before and after the engine', async () => {
    const client = new FakeClient({
      'strategies.list': () => ({ available: [SMA_CROSS], running: [] }),
      'backtests.list': () => [],
      'backtests.start': () => {
        throw new CallError('BAD_REQUEST', 'parameters of sma-cross: fast must be below slow', { field: 'params.fast' });
      },
    });
    const { container } = await render(<BacktestView />, client);
    await tick();
    await type(field(container, 'cash'), '-5');
    await act(async () => {
      $(container, '[data-testid="backtest-form"]').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(client.callsOf('backtests.start')).toEqual([]);
    expect(field(container, 'cash').getAttribute('aria-invalid')).toBe('true');
    await type(field(container, 'cash'), '10000');
    await act(async () => {
      $(container, '[data-testid="backtest-form"]').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await tick();
    expect($(container, '[data-testid="backtest-error"]').textContent).toBe('Not started: params.fast: parameters of sma-cross: fast must be below slow');
    expect(field(container, 'param-fast').getAttribute('aria-invalid')).toBe('true');
  });

  it('shows why a run failed', async () => {
    const failed = job({ id: 'bt-9', status: 'failed', error: 'cannot read data.csv: no such file' });
    const client = new FakeClient({ 'strategies.list': () => ({ available: [SMA_CROSS], running: [] }), 'backtests.list': () => [failed], 'backtests.get': () => ({ ...failed, report: null, sweep: null }) });
    const { container } = await render(<BacktestView />, client);
    await tick();
    await click($(container, '[data-run="bt-9"]'));
    await tick();
    expect($(container, '[data-testid="run-detail"]').textContent).toContain('The backtest failed: cannot read data.csv: no such file');
  });

  it('lists kept runs of earlier sessions, an interrupted one with why; Delete removes a run from the engine and the screen', async () => {
    const kept = [job({ id: 'bt-2', status: 'interrupted', error: 'Tern stopped while this run was in progress; start it again to get its results', finished_at: null }), job({ id: 'bt-1' })];
    const client = new FakeClient({
      'strategies.list': () => ({ available: [SMA_CROSS], running: [] }),
      'backtests.list': () => kept,
      'backtests.get': (p: any) => detail(kept.find((j) => j.id === p.id)),
      'backtests.delete': (p: any) => kept.splice(kept.findIndex((j) => j.id === p.id), 1)[0],
    });
    const { container } = await render(<BacktestView />, client);
    await tick();
    expect([...container.querySelectorAll('tr[data-run]')].map((r) => r.getAttribute('data-run'))).toEqual(['bt-2', 'bt-1']);
    await click($(container, '[data-run="bt-2"]'));
    await tick();
    expect($(container, '[data-testid="run-detail"]').dataset.status).toBe('interrupted');
    expect($(container, '[data-testid="run-detail"]').textContent).toContain('Tern stopped while this run was in progress');
    await click($(container, '[data-testid="compare-run"]:not([disabled])'));
    await click($(container, '[aria-label="Delete bt-1"]'));
    await tick();
    expect(client.callsOf('backtests.delete')).toEqual([{ id: 'bt-1' }]);
    expect([...container.querySelectorAll('tr[data-run]')].map((r) => r.getAttribute('data-run'))).toEqual(['bt-2']);
    expect(useBacktests.getState().compare).toEqual([]);
    await click($(container, '[aria-label="Delete bt-2"]'));
    await tick();
    expect(container.querySelector('[data-testid="run-detail"]')).toBeNull();
    expect(container.textContent).toContain('No backtests yet.');
  });

  it('compares finished runs: metrics side by side and the equity curves together', async () => {
    const a = detail({ id: 'bt-1' });
    const b = detail({ id: 'bt-2', params: { fast: 5, slow: 20 } }, { metrics: { ...report().metrics, total_return: 0.3 } });
    const running = job({ id: 'bt-3', status: 'running' });
    const client = new FakeClient({
      'strategies.list': () => ({ available: [SMA_CROSS], running: [] }),
      'backtests.list': () => [running, b, a].map(({ report: _r, sweep: _s, ...j }: any) => j),
      'backtests.get': (p: any) => (p.id === 'bt-1' ? a : p.id === 'bt-2' ? b : { ...running, report: null, sweep: null }),
    });
    const { container } = await render(<BacktestView />, client);
    await tick();
    const box = (id: string) => $(container, `[data-run="${id}"] [data-testid="compare-run"]`) as HTMLInputElement;
    expect(box('bt-3').disabled).toBe(true); // still running
    expect(($(container, '[data-testid="compare-tab"]') as HTMLButtonElement).disabled).toBe(true);
    await click(box('bt-1'));
    await click(box('bt-2'));
    await tick();
    await click($(container, '[data-testid="compare-tab"]'));
    const head = [...container.querySelectorAll('[data-testid="compare-table"] thead th')].map((t) => t.textContent);
    expect(head).toEqual(['Metric', 'bt-1 · sma-cross fast=10 slow=30', 'bt-2 · sma-cross fast=5 slow=20']);
    const ret = $(container, '[data-testid="compare-table"] [data-metric="total_return"]');
    expect([...ret.querySelectorAll('td')].map((td) => [td.textContent, td.classList.contains('best')])).toEqual([
      ['1.51 %', false],
      ['30.00 %', true],
    ]);
    expect($(container, '[data-testid="backtest-compare-chart"]').dataset.runs).toBe('bt-1,bt-2');
  });

  it("draws the trades on the engine's candles of the run's period, when it has them", async () => {
    useReference.getState().setInstruments([INSTRUMENT]);
    const r = report();
    const client = new FakeClient({
      'strategies.list': () => ({ available: [SMA_CROSS], running: [] }),
      'backtests.list': () => [job({ id: 'bt-1' })],
      'backtests.get': () => detail({ id: 'bt-1' }),
      'market.candles': () => [
        [r.start_ts, '46319', '46385', '46319', '46377', '1'],
        [r.start_ts + 60_000, '46377', '46411', '46377', '46411', '1'],
      ],
    });
    const { container } = await render(<BacktestView />, client);
    await tick();
    await click($(container, '[data-run="bt-1"]'));
    await tick();
    await tick();
    expect(client.callsOf('market.candles')).toEqual([{ account: 'paper', symbol: 'BTC/USDT', timeframe: '1m', since: r.start_ts, until: r.end_ts + 60_000, limit: 5000 }]);
    expect($(container, '[data-testid="backtest-trades-chart"]').dataset.candles).toBe('2');
    expect($(container, '[data-testid="price-source"]').textContent).toContain("1m candles from paper's market data");
  });

  it('stops polling when no run is in progress', async () => {
    const client = new FakeClient({ 'strategies.list': () => ({ available: [SMA_CROSS], running: [] }), 'backtests.list': () => [job({ id: 'bt-1' })], 'backtests.get': () => detail({ id: 'bt-1' }) });
    const { container } = await render(<BacktestView />, client);
    await tick();
    await click($(container, '[data-testid="compare-run"]'));
    await click($(container, '[data-run="bt-1"]'));
    await tick();
    const polls = client.callsOf('backtests.list').length;
    await tick(10_000);
    expect(client.callsOf('backtests.list')).toHaveLength(polls);
    expect(client.callsOf('backtests.get')).toHaveLength(1);
  });
});
