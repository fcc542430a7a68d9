import { Suspense, lazy, useEffect } from 'react';
import { formatFixed, sign } from '../../lib/decimal.js';
import { AXIS_LABEL, CHART_COLORS, TOOLTIP_STYLE, chartNumber } from '../../lib/echarts.js';
import { usePortfolio } from '../../state/portfolio.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';
import { useChart } from '../market/useChart.js';

const Blotters = lazy(() => import('../blotters/Blotters.js'));

const pad = (n: number) => String(n).padStart(2, '0');
const hms = (t: number) => {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

function EquityChart({ hidden }: { hidden: boolean }) {
  const { ref, chart } = useChart();
  useEffect(() => {
    if (!chart) return;
    chart.setOption(
      {
        animation: false,
        legend: { top: 0, right: 8, textStyle: { color: CHART_COLORS.text, fontSize: 11 }, itemHeight: 8 },
        tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => (typeof v === 'number' ? chartNumber(v, 2) : String(v)) },
        axisPointer: { link: [{ xAxisIndex: 'all' }] },
        grid: [
          { left: 8, right: 70, top: 26, height: '50%' },
          { left: 8, right: 70, top: '68%', bottom: 22 },
        ],
        xAxis: [
          { type: 'time', axisLabel: { show: false }, axisLine: { lineStyle: { color: CHART_COLORS.axis } }, splitLine: { show: false } },
          { type: 'time', gridIndex: 1, axisLabel: { ...AXIS_LABEL, formatter: (v: number) => hms(v) }, axisLine: { lineStyle: { color: CHART_COLORS.axis } }, splitLine: { show: false } },
        ],
        yAxis: [
          { type: 'value', scale: true, position: 'right', axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
          { type: 'value', scale: true, gridIndex: 1, position: 'right', axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
        ],
        series: [
          { name: 'Equity', type: 'line', showSymbol: false, data: [], lineStyle: { color: CHART_COLORS.accent, width: 1.5 }, areaStyle: { color: 'rgba(240,185,11,0.08)' }, itemStyle: { color: CHART_COLORS.accent } },
          { name: 'Realized', type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, data: [], lineStyle: { color: CHART_COLORS.line, width: 1 }, itemStyle: { color: CHART_COLORS.line } },
          { name: 'Unrealized', type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, data: [], lineStyle: { color: CHART_COLORS.up, width: 1 }, itemStyle: { color: CHART_COLORS.up } },
        ],
      },
      { notMerge: true },
    );
    const draw = () => {
      const { samples } = usePortfolio.getState();
      chart.setOption({
        series: [{ data: samples.map((s) => [s.t, s.equity]) }, { data: samples.map((s) => [s.t, s.realized]) }, { data: samples.map((s) => [s.t, s.unrealized]) }],
      });
    };
    draw();
    return usePortfolio.subscribe((s, prev) => {
      if (s.samples !== prev.samples) draw();
    });
  }, [chart]);
  return <div ref={ref} className={`chart equity-chart ${hidden ? 'invisible' : ''}`} data-testid="equity-chart" />;
}

function Stat({ label, value, quote, signed = false }: { label: string; value: string; quote: string; signed?: boolean }) {
  const s = signed ? sign(value) : 0;
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value num ${s > 0 ? 'pos' : s < 0 ? 'neg' : ''}`}>
        {formatFixed(value, 2, { sign: signed })} <span className="muted">{quote}</span>
      </div>
    </div>
  );
}

/** Equity, PnL over time (sampled every few seconds and after each fill), positions and balances. */
export default function PortfolioView() {
  const current = usePortfolio((s) => s.current);
  const status = usePortfolio((s) => s.status);
  const error = usePortfolio((s) => s.error);
  const count = usePortfolio((s) => s.samples.length);
  return (
    <div className="portfolio-view">
      <div className="stats-row">
        {current ? (
          <>
            <Stat label="Equity" value={current.equity} quote={current.quote_asset} />
            <Stat label="Unrealized PnL" value={current.unrealized_pnl} quote={current.quote_asset} signed />
            <Stat label="Realized PnL" value={current.realized_pnl} quote={current.quote_asset} signed />
            <Stat label="Fees paid" value={current.fees_paid} quote={current.quote_asset} />
          </>
        ) : status === 'error' ? (
          <Failed message={`Portfolio unavailable: ${error ?? ''}`} />
        ) : (
          <Loading what="portfolio" />
        )}
      </div>
      <Panel title="Equity and PnL" actions={<span className="muted small">{count} sample(s) this session · every 5 s and after fills</span>} className="equity-panel">
        <EquityChart hidden={count < 2} />
        {count < 2 && (
          <div className="chart-overlay">
            <Empty>The curve starts after a second sample (a few seconds).</Empty>
          </div>
        )}
      </Panel>
      <div className="portfolio-blotters">
        <Suspense fallback={<Loading what="blotters" />}>
          <Blotters initialTab="positions" />
        </Suspense>
      </div>
    </div>
  );
}
