import { useEffect, useRef, useState } from 'react';
import type { Candle } from '../../../src-common/contract/schemas.js';
import type { Timeframe } from '../../../src-common/contract/constants/timeframes.js';
import { CHART_TIMEFRAMES } from '../../lib/candles.js';
import { DecimalCtor, formatFixed, roundToIncrement, wire } from '../../lib/decimal.js';
import { AXIS_LABEL, CHART_COLORS, type ECharts, TOOLTIP_STYLE, chartNumber } from '../../lib/echarts.js';
import { type ClockLabel, clockLabel } from '../../lib/clock.js';
import { noteTick } from '../../lib/latency.js';
import { useMarket } from '../../state/market.js';
import { findInstrument, useReference } from '../../state/reference.js';
import { placesFor, useSelectedInstrument } from '../../state/selectors.js';
import { useTicket } from '../../state/ticket.js';
import { useTrading } from '../../state/trading.js';
import { type ChartLine, type FillMarker, LineExtent, fillMarkers, tradingLines } from './chart-lines.js';
import { type ChartLinesBus, ChartTrading } from './ChartTrading.js';
import { Panel } from '../../ui/Panel.js';
import { Failed } from '../../ui/states.js';
import { useChart } from './useChart.js';
import { IndicatorMenu } from './IndicatorMenu.js';
import { IndicatorSeries, carryZoom, withIndicators } from './indicators/chart-option.js';
import { useIndicators } from './indicators/store.js';

const pad = (n: number) => String(n).padStart(2, '0');
function axisTime(ts: number, tf: Timeframe): string {
  const d = new Date(ts);
  if (tf === '1d') return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (tf === '4h' || tf === '1h') return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:00`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

interface TooltipParam {
  seriesName?: string;
  axisValueLabel?: string;
  data?: unknown;
}

/** O/H/L/C at the instrument's places and the volume, as plain lines (the tooltip is drawn on the canvas) */
function candleTooltip(ps: TooltipParam[], places: number): string {
  const lines = [ps[0]?.axisValueLabel ?? ''];
  const price = ps.find((p) => p.seriesName === 'Price')?.data;
  if (Array.isArray(price)) {
    // [category index, open, close, low, high]: the last four are the candle
    const [o, c, l, h] = (price as number[]).slice(-4);
    lines.push(`O ${chartNumber(o!, places)}   H ${chartNumber(h!, places)}`, `L ${chartNumber(l!, places)}   C ${chartNumber(c!, places)}`);
  }
  const volume = ps.find((p) => p.seriesName === 'Volume')?.data as { value?: number } | undefined;
  if (typeof volume?.value === 'number') lines.push(`V ${chartNumber(volume.value, 2)}`);
  return lines.join('\n');
}

/**
 * The price places the chart formats with: read by its formatters when they run, so a switch to
 * a market of another precision changes the labels without building the chart again.
 */
interface PriceFormat {
  places: number;
}

function baseOption(fmt: PriceFormat, extent: LineExtent) {
  return {
    animation: false,
    backgroundColor: CHART_COLORS.bg,
    grid: [
      { left: 8, right: 64, top: 8, height: '70%' },
      { left: 8, right: 64, top: '80%', bottom: 22 },
    ],
    tooltip: {
      trigger: 'axis',
      ...TOOLTIP_STYLE,
      axisPointer: { type: 'cross', label: { precision: fmt.places } },
      formatter: (ps: TooltipParam[]) => candleTooltip(ps, fmt.places),
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    xAxis: [
      { type: 'category', data: [] as string[], boundaryGap: true, axisLine: { lineStyle: { color: CHART_COLORS.axis } }, axisLabel: { show: false }, axisTick: { show: false } },
      { type: 'category', gridIndex: 1, data: [] as string[], boundaryGap: true, axisLine: { lineStyle: { color: CHART_COLORS.axis } }, axisLabel: AXIS_LABEL, axisTick: { show: false } },
    ],
    yAxis: [
      { scale: true, min: extent.min, max: extent.max, position: 'right', splitLine: { lineStyle: { color: CHART_COLORS.grid } }, axisLabel: { ...AXIS_LABEL, formatter: (v: number) => v.toFixed(fmt.places) } },
      { scale: true, gridIndex: 1, position: 'right', splitNumber: 2, splitLine: { show: false }, axisLabel: { show: false } },
    ],
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1], start: 70, end: 100 }],
    series: [
      {
        name: 'Price',
        type: 'candlestick',
        data: [] as number[][],
        itemStyle: { color: CHART_COLORS.up, color0: CHART_COLORS.down, borderColor: CHART_COLORS.up, borderColor0: CHART_COLORS.down },
        markLine: { symbol: 'none', silent: true, animation: false, label: { position: 'end', color: '#0b0e11', backgroundColor: CHART_COLORS.accent, padding: [2, 4], fontSize: 10 }, lineStyle: { color: CHART_COLORS.accent, type: 'dashed' }, data: [] as unknown[] },
      },
      { name: 'Volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: [] as unknown[], barMaxWidth: 12 },
      // the trader's fills on the candles they fell in
      { name: 'Fills', type: 'scatter', data: [] as unknown[], symbolSize: 9, silent: true, z: 5, tooltip: { show: false } },
    ],
  };
}

/**
 * Chart arrays from candles, redoing only what changed: between bars only the
 * last candle moves, so the other 499 keep their label, OHLC and volume entries.
 */
class SeriesCache {
  private times: string[] = [];
  private ohlc: number[][] = [];
  private volume: Array<{ value: number; itemStyle: { color: string } }> = [];
  private source: readonly Candle[] | null = null;
  private tf: Timeframe | null = null;
  private firstTs = -1;

  build(candles: readonly Candle[], tf: Timeframe, places: number, lines: readonly ChartLine[] = [], fills: readonly FillMarker[] = []) {
    const n = candles.length;
    // the same series with the same or more candles: reuse all but the last known one
    let from = 0;
    if (this.source === candles && this.tf === tf && this.times.length > 0 && this.times.length <= n && this.firstTs === candles[0]![0]) from = this.times.length - 1;
    this.source = candles;
    this.tf = tf;
    this.firstTs = candles[0]?.[0] ?? -1;
    this.times.length = n;
    this.ohlc.length = n;
    this.volume.length = n;
    for (let i = from; i < n; i++) {
      const [ts, o, h, l, c, v] = candles[i]!;
      const open = Number(o);
      const close = Number(c);
      this.times[i] = axisTime(ts, tf);
      this.ohlc[i] = [open, close, Number(l), Number(h)];
      this.volume[i] = { value: Number(v), itemStyle: { color: close >= open ? CHART_COLORS.upVolume : CHART_COLORS.downVolume } };
    }
    const last = candles.at(-1);
    const markLine = last ? [{ yAxis: Number(last[4]), label: { formatter: Number(last[4]).toFixed(places) } }] : [];
    return {
      xAxis: [{ data: this.times }, { data: this.times }],
      series: [{ data: this.ohlc, markLine: { data: [...markLine, ...lines] } }, { data: this.volume }, { data: fills }],
    };
  }
}

/** O/H/L/C/V of the newest candle, above the chart */
function CandleLegend({ places, clock }: { places: number; clock: ClockLabel | null }) {
  // each change replaces the last candle's array, so its identity tracks the updates
  const last = useMarket((s) => s.candles.last);
  if (!last) return null;
  const [ts, o, h, l, c, v] = last;
  const up = Number(c) >= Number(o);
  return (
    <div className="candle-legend num" data-testid="candle-legend" data-ts={ts}>
      {clock && (
        <span className="clock-badge" title={clock.title} data-testid="chart-clock">
          {clock.badge}
        </span>
      )}
      <span className="muted">{new Date(ts).toLocaleString(undefined, { hour12: false })}</span>
      <span>
        O <b>{formatFixed(o, places)}</b>
      </span>
      <span>
        H <b>{formatFixed(h, places)}</b>
      </span>
      <span>
        L <b>{formatFixed(l, places)}</b>
      </span>
      <span className={up ? 'pos' : 'neg'}>
        C <b data-testid="candle-close">{formatFixed(c, places)}</b>
      </span>
      <span className="muted">V {formatFixed(v, 2)}</span>
    </div>
  );
}

/** the instrument of the market on screen, from the stores as they are now */
const selected = () => {
  const m = useMarket.getState();
  return findInstrument(useReference.getState().instruments, m.account, m.symbol);
};

/** how many times a candle chart's option was built from scratch (a new chart, indicators changed) */
let builds = 0;

/** Candles and volume, live: the last candle moves with every trade; a click sets the ticket price. */
export default function CandleChart() {
  const { ref, chart } = useChart({ dirtyRect: true });
  const symbol = useMarket((s) => s.symbol);
  const timeframe = useMarket((s) => s.timeframe);
  const setTimeframe = useMarket((s) => s.setTimeframe);
  const status = useMarket((s) => s.candlesStatus);
  const error = useMarket((s) => s.candlesError);
  const hasCandles = useMarket((s) => s.candlesVersion > 0 && s.candles.toArray().length > 0);
  const instrument = useSelectedInstrument();
  const places = placesFor(instrument).price;
  const indicators = useIndicators((s) => s.list);
  const takerFee = instrument?.taker_fee;
  // what the chart drew, for the drag and × controls over it
  const [bus] = useState<ChartLinesBus>(() => ({ lines: [], onDraw: null }));
  const redraw = useRef<(() => void) | null>(null);

  useEffect(() => {
    if (!chart) return;
    const extent = new LineExtent();
    // the market's precision is read at each draw (below), not built into the option
    const fmt: PriceFormat = { places: placesFor(selected()).price };
    const option = carryZoom(chart.getOption(), withIndicators(baseOption(fmt, extent), indicators, () => fmt.places));
    chart.setOption(option, { notMerge: true });
    builds++;
    // the price pane's share of the height: indicator panes take some
    const priceHeight = Number.parseFloat(String(option.grid[0]!.height)) / 100;
    const cache = new SeriesCache();
    const studies = new IndicatorSeries(indicators);
    const draw = (c: ECharts) => {
      const m = useMarket.getState();
      const candles = m.candles.toArray();
      const t = useTrading.getState();
      // the market on screen now (a symbol switch draws its cached candles before React renders again)
      const instrument = selected();
      const places = placesFor(instrument).price;
      const precisionChanged = places !== fmt.places;
      fmt.places = places;
      const lines = tradingLines(t.orders.rows.values(), t.positions.rows.values(), m.account, m.symbol, places, instrument?.taker_fee);
      extent.set(lines);
      // a replay's candles before it began playing are the file's history, not what earlier sessions' fills traded against
      const replay = instrument?.replay;
      const fills = fillMarkers(t.fills.rows.values(), candles, m.candles.timeframeMs, m.account, m.symbol, replay ? Date.parse(replay.playing_since) : undefined);
      const update = studies.extend(cache.build(candles, m.timeframe, places, lines, fills), candles);
      c.setOption(precisionChanged ? { ...update, tooltip: { axisPointer: { label: { precision: places } } } } : update, { lazyUpdate: false, silent: true });
      // for tests and tools that cannot read a canvas: what the chart last drew
      const el = c.getDom();
      el.dataset.candles = String(candles.length);
      el.dataset.lastTs = String(candles.at(-1)?.[0] ?? '');
      el.dataset.lastClose = candles.at(-1)?.[4] ?? '';
      el.dataset.orderLines = lines.filter((l) => l.kind === 'order').map((l) => `${l.name}@${l.yAxis}`).join(' ');
      el.dataset.positionLine = String(lines.find((l) => l.kind === 'position')?.yAxis ?? '');
      el.dataset.indicators = studies.describe();
      el.dataset.breakEven = String(lines.find((l) => l.kind === 'breakeven')?.yAxis ?? '');
      el.dataset.fills = fills.map((f) => `${f.name}@${f.value[0]}:${f.value[1]}`).join(' ');
      el.dataset.fillCandles = fills.map((f) => `${f.name}@${candles[f.value[0]]![0]}`).join(' ');
      // which chart this is and how often its option was built from scratch; how its price axis writes the last close
      el.dataset.instance = c.id;
      el.dataset.builds = String(builds);
      const axisFormat = (option.yAxis[0] as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
      el.dataset.priceLabel = candles.length > 0 ? axisFormat(Number(candles.at(-1)![4])) : '';
      // the price pane's rows (grid top 8 px) and the prices at them
      const top = 8;
      const bottom = top + c.getHeight() * priceHeight;
      el.dataset.priceRows = `${top} ${Math.round(bottom)}`;
      el.dataset.priceRange = `${c.convertFromPixel({ yAxisIndex: 0 }, top) as number} ${c.convertFromPixel({ yAxisIndex: 0 }, bottom) as number}`;
      bus.lines = lines;
      bus.onDraw?.();
      noteTick('chart', m.candleReceivedAt);
    };
    draw(chart);
    redraw.current = () => draw(chart);
    const offMarket = useMarket.subscribe((s, prev) => {
      if (s.candlesVersion !== prev.candlesVersion || s.candles !== prev.candles) draw(chart);
    });
    // orders and the position move their lines
    const offTrading = useTrading.subscribe((s, prev) => {
      if (s.orders.version !== prev.orders.version || s.positions.version !== prev.positions.version || s.fills.version !== prev.fills.version) draw(chart);
    });
    return () => {
      redraw.current = null;
      offMarket();
      offTrading();
    };
  }, [chart, indicators, bus]);

  // the market's filters changed with no new candles (instruments loaded after them): draw again
  useEffect(() => {
    redraw.current?.();
  }, [places, takerFee]);

  useEffect(() => {
    if (!chart || !instrument) return;
    const zr = chart.getZr();
    const onClick = (e: { offsetX: number; offsetY: number }) => {
      const point = [e.offsetX, e.offsetY];
      if (!chart.containPixel({ gridIndex: 0 }, point)) return;
      const value = chart.convertFromPixel({ gridIndex: 0 }, point) as number[] | number;
      const y = Array.isArray(value) ? value[1] : undefined;
      if (y === undefined || !Number.isFinite(y) || y <= 0) return;
      const price = roundToIncrement(new DecimalCtor(y.toFixed(12)), instrument.price_increment);
      useTicket.getState().setPrice(wire(price));
    };
    // a right click opens the ticket at that price: a limit there, the quantity next
    const onMenu = (e: { offsetX: number; offsetY: number; event?: { preventDefault?: () => void } }) => {
      if (!chart.containPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY])) return;
      e.event?.preventDefault?.();
      onClick(e);
      useTicket.getState().set({ type: 'limit' });
      const qty = document.querySelector<HTMLInputElement>('[data-ticket-field="quantity"]');
      qty?.focus();
    };
    zr.on('click', onClick);
    zr.on('contextmenu', onMenu);
    return () => {
      zr.off('click', onClick);
      zr.off('contextmenu', onMenu);
    };
  }, [chart, instrument]);

  return (
    <Panel
      title={
        <>
          {symbol} <span className="muted">· candles</span>
        </>
      }
      className="chart-panel"
      actions={
        <>
          <IndicatorMenu />
          <div className="seg" role="group" aria-label="Timeframe">
            {CHART_TIMEFRAMES.map((tf) => (
              <button key={tf} type="button" className={`seg-btn ${tf === timeframe ? 'seg-active' : ''}`} aria-pressed={tf === timeframe} onClick={() => setTimeframe(tf)}>
                {tf}
              </button>
            ))}
          </div>
        </>
      }
    >
      <div className="chart-wrap">
        <CandleLegend places={places} clock={clockLabel(instrument)} />
        <div className="chart-area">
          <div ref={ref} className="chart" data-testid="candle-chart" title="Click to set the ticket price; drag an order line to move it, the position line to place a take profit or stop" />
          {chart && instrument && <ChartTrading chart={chart} bus={bus} instrument={instrument} places={places} />}
        </div>
        {status === 'loading' && <div className="chart-overlay">Loading candles…</div>}
        {status === 'error' && (
          <div className="chart-overlay">
            <Failed message={`Candles unavailable: ${error ?? 'unknown error'}`} />
          </div>
        )}
        {status === 'ready' && !hasCandles && <div className="chart-overlay">No candles yet for {symbol}.</div>}
      </div>
    </Panel>
  );
}
