import { useEffect, useState } from 'react';
import type { ParamsOf } from '../../../src-common/contract/methods.js';
import { useClient } from '../../client/context.js';
import { formatFixed, formatPlain, sign } from '../../lib/decimal.js';
import { type BacktestDetail, type BacktestReport, useBacktests } from '../../state/backtests.js';
import { useMarket } from '../../state/market.js';
import { useReference } from '../../state/reference.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';
import { CompareChart, EquityDrawdownChart, TradesChart } from './Charts.js';
import { candlesCoverage } from './chart-options.js';
import { Progress } from './RunsList.js';
import { type ChartCandle, METRICS, candlesInPeriod, candlesRequest, compareRows, formatMetric, formatUtc, metricTone, reportCandles, runLabel, timeframeLabel } from './report-view.js';

/** trade rows drawn at once; a longer list says how many more there are */
export const TRADES_SHOWN = 2_000;

/** a backtest's metrics, or a live strategy's (the same names and definitions) */
export function MetricsTable({ report }: { report: Pick<BacktestReport, 'metrics' | 'quote'> }) {
  return (
    <table className="table metrics-table" data-testid="metrics-table">
      <tbody>
        {METRICS.map((m) => (
          <tr key={m.name} data-metric={m.name}>
            <th title={m.hint}>{m.label}</th>
            <td className={`num ${metricTone(m.name, report.metrics[m.name])}`}>
              {formatMetric(m.name, report.metrics[m.name])}
              {m.kind === 'money' && report.metrics[m.name] !== null && <span className="muted"> {report.quote}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunFacts({ report }: { report: BacktestReport }) {
  const o = report.orders;
  return (
    <dl className="kv run-facts">
      <dt>Period (UTC)</dt>
      <dd>
        {formatUtc(report.start_ts)} → {formatUtc(report.end_ts)} · {timeframeLabel(report.timeframe_ms)} bars
      </dd>
      <dt>Cash · fee · slippage</dt>
      <dd className="num">
        {formatPlain(report.cash)} {report.quote} · {formatPlain(report.fee)} · {formatPlain(report.slippage)}
      </dd>
      <dt>Orders</dt>
      <dd>
        {o.placed} placed, {o.filled} filled, {o.rejected} rejected, {o.canceled} canceled{o.expired ? `, ${o.expired} expired` : ''}
        {o.open ? `, ${o.open} open at the end` : ''}
      </dd>
      {report.open_position && (
        <>
          <dt>Open at the end</dt>
          <dd className="num">
            {report.open_position.side} {formatPlain(report.open_position.quantity)} @ {formatPlain(report.open_position.entry_price)}, marked {formatPlain(report.open_position.mark_price)} ({formatFixed(report.open_position.unrealized_pnl, 2, { sign: true })} {report.quote})
          </dd>
        </>
      )}
      {report.refusals.length > 0 && (
        <>
          <dt>Refused</dt>
          <dd className="tone-warn" title={report.refusals.map((r) => `${formatUtc(r.ts)} ${r.code}: ${r.message}`).join('\n')}>
            {report.refusals.length} order(s) refused by the engine (e.g. {report.refusals[0]!.code}: {report.refusals[0]!.message})
          </dd>
        </>
      )}
    </dl>
  );
}

export function TradeList({ report }: { report: Pick<BacktestReport, 'trade_list'> }) {
  const trades = report.trade_list;
  if (trades.length === 0) return <Empty>No trades: the strategy never completed a round trip.</Empty>;
  const shown = trades.length > TRADES_SHOWN ? trades.slice(-TRADES_SHOWN) : trades;
  return (
    <>
      {shown.length < trades.length && (
        <p className="muted small">
          The last {shown.length.toLocaleString('en-US')} of {trades.length.toLocaleString('en-US')} trades.
        </p>
      )}
      <table className="table trade-list" data-testid="trade-list">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Side</th>
            <th className="num">Entry (UTC)</th>
            <th className="num">Entry price</th>
            <th className="num">Exit (UTC)</th>
            <th className="num">Exit price</th>
            <th className="num">Quantity</th>
            <th className="num">PnL net</th>
            <th className="num">Fees</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t, i) => {
            const s = sign(t.pnl_net);
            return (
              <tr key={`${t.entry_time}-${i}`}>
                <td className="muted num">{trades.length - shown.length + i + 1}</td>
                <td>{t.side}</td>
                <td className="num">{formatUtc(t.entry_time)}</td>
                <td className="num">{formatPlain(t.entry_price)}</td>
                <td className="num">{formatUtc(t.exit_time)}</td>
                <td className="num">{formatPlain(t.exit_price)}</td>
                <td className="num">{formatFixed(t.quantity, 6)}</td>
                <td className={`num ${s > 0 ? 'pos' : s < 0 ? 'neg' : ''}`}>{formatFixed(t.pnl_net, 2, { sign: true })}</td>
                <td className="num">{formatFixed(t.fees, 2)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function SweepTable({ detail }: { detail: BacktestDetail }) {
  const sweep = detail.sweep;
  if (!sweep) return <Empty>No results.</Empty>;
  return (
    <table className="table" data-testid="sweep-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Parameters</th>
          <th className="num">{sweep.metric}</th>
          <th className="num">Return</th>
          <th className="num">Max DD</th>
          <th className="num">Trades</th>
        </tr>
      </thead>
      <tbody>
        {sweep.rows.map((r) => (
          <tr key={r.index}>
            <td className="num muted">{r.index}</td>
            <td className="mono">
              {Object.entries(r.params)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(' ')}
            </td>
            {r.metrics ? (
              <>
                <td className="num">{formatMetric(sweep.metric, r.metrics[sweep.metric])}</td>
                <td className="num">{formatMetric('total_return', r.metrics.total_return)}</td>
                <td className="num">{formatMetric('max_drawdown', r.metrics.max_drawdown)}</td>
                <td className="num">{r.metrics.trades}</td>
              </>
            ) : (
              <td colSpan={4} className="tone-bad">
                {r.error ?? 'no result'}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type PriceSource = { candles: ChartCandle[] | null; text: string };

/**
 * The bars under the trade markers: the report's own when it carries them,
 * else what the engine holds for the symbol over the run's period (its market
 * data, downloaded history); else none, and the chart draws the trades' prices.
 */
function usePriceSource(report: BacktestReport | null): PriceSource {
  const client = useClient();
  const instruments = useReference((s) => s.instruments);
  const account = useMarket((s) => s.account);
  const [fetched, setFetched] = useState<{ report: BacktestReport; source: PriceSource } | null>(null);
  const own = report ? reportCandles(report) : null;
  const request = report && !own ? candlesRequest(report, instruments, account) : null;
  const key = request ? JSON.stringify(request) : '';
  useEffect(() => {
    if (!report || !request) return;
    let live = true;
    client.call('market.candles', request as ParamsOf<'market.candles'>).then(
      (rows) => {
        const candles = candlesInPeriod(rows, report);
        const part = candlesCoverage(candles, report) < 0.95 ? ' (part of the period; prices at the trades for the rest)' : '';
        if (live) setFetched({ report, source: candles ? { candles, text: `${request.timeframe} candles from ${request.account}'s market data${part}` } : { candles: null, text: 'no candles of this period in the engine: prices at the trades' } });
      },
      () => {
        if (live) setFetched({ report, source: { candles: null, text: 'prices at the trades (the engine has no candles of this period)' } });
      },
    );
    return () => {
      live = false;
    };
    // the request is keyed by its content
  }, [client, report, key]);
  if (!report) return { candles: null, text: '' };
  if (own) return { candles: own, text: `${own.length.toLocaleString('en-US')} bars of the run` };
  if (!request) return { candles: null, text: 'prices at the trades (no account trades this symbol)' };
  return fetched?.report === report ? fetched.source : { candles: null, text: 'loading candles…' };
}

/** The selected run: its progress while it runs, then its metrics, charts and trades. */
export function RunDetail({ id, onCancel }: { id: string; onCancel: (id: string) => void }) {
  const job = useBacktests((s) => s.jobs.find((j) => j.id === id));
  const detail = useBacktests((s) => s.details[id]);
  if (!job) return <Empty>This run is no longer kept by the engine.</Empty>;
  const report = detail?.report ?? null;
  const price = usePriceSource(report);
  return (
    <div className="run-detail" data-testid="run-detail" data-run={job.id} data-status={job.status}>
      <Panel
        title={
          <>
            {runLabel(job)} <span className="muted">· {job.symbol}</span>
          </>
        }
        actions={
          job.status === 'running' ? (
            <button type="button" className="btn btn-small" onClick={() => onCancel(job.id)}>
              Cancel
            </button>
          ) : (
            <span className="muted small mono" title="the data the run read">
              {job.data}
            </span>
          )
        }
        className="run-summary"
      >
        {job.status === 'running' && <Progress job={job} />}
        {job.status === 'failed' && <Failed message={`The backtest failed: ${job.error ?? 'no reason given'}`} />}
        {job.status === 'canceled' && <Empty>Canceled before it finished.</Empty>}
        {job.status === 'interrupted' && <Failed message={job.error ?? 'Tern stopped while this run was in progress.'} />}
        {job.status === 'done' && job.kind === 'sweep' && <SweepTable detail={detail ?? { ...job, report: null, sweep: null }} />}
        {job.status === 'done' && job.kind === 'backtest' && !report && <Loading what="the report" />}
        {report && (
          <div className="run-report">
            <MetricsTable report={report} />
            <div>
              <RunFacts report={report} />
              {job.loop_bars_per_s !== null && <p className="muted small">Engine loop: {Math.round(job.loop_bars_per_s).toLocaleString('en-US')} bars/s</p>}
            </div>
          </div>
        )}
      </Panel>
      {report && (
        <>
          <Panel title="Equity and drawdown" className="backtest-chart-panel">
            <EquityDrawdownChart report={report} />
          </Panel>
          <Panel
            title={`Trades on the price (${report.symbol})`}
            className="backtest-chart-panel"
            actions={
              <span className="muted small" data-testid="price-source">
                ▲ entry · ▼ exit (green: a winning trade) · {price.text}
              </span>
            }
          >
            <TradesChart report={report} candles={price.candles} />
          </Panel>
          <Panel title={`Trades (${report.trade_list.length})`} className="trade-list-panel">
            <TradeList report={report} />
          </Panel>
        </>
      )}
    </div>
  );
}

/** Finished runs side by side: their metrics (the best of each row marked) and their equity curves overlaid. */
export function CompareRuns({ ids }: { ids: readonly string[] }) {
  const details = useBacktests((s) => s.details);
  const jobs = useBacktests((s) => s.jobs);
  const loaded = ids.map((id) => details[id]).filter((d): d is BacktestDetail => d !== undefined && d.report !== null);
  if (loaded.length < ids.length) return <Loading what="the runs to compare" />;
  const rows = compareRows(loaded.map((d) => d.report));
  return (
    <div className="compare-view" data-testid="compare-view">
      <Panel title={`Compare ${loaded.length} runs`} className="compare-panel">
        <table className="table compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th>Metric</th>
              {loaded.map((d) => (
                <th key={d.id} className="num" title={jobs.find((j) => j.id === d.id)?.data ?? d.data}>
                  {runLabel(d)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name} data-metric={r.name}>
                <th>{r.label}</th>
                {r.values.map((v, i) => (
                  <td key={loaded[i]!.id} className={`num ${r.best === i ? 'best' : ''}`}>
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title="Equity curves" className="backtest-chart-panel">
        <CompareChart details={loaded} />
      </Panel>
    </div>
  );
}
