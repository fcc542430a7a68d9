import { Bollinger, Ema, IndicatorParamError, Macd, Rsi, Sma } from '../../../../src-common/indicators/index.js';

/** What a trader put on the chart: one indicator of the engine's library with its parameters. */
export type IndicatorSpec =
  | { id: string; kind: 'sma'; period: number }
  | { id: string; kind: 'ema'; period: number }
  | { id: string; kind: 'bb'; period: number; k: number }
  | { id: string; kind: 'rsi'; period: number }
  | { id: string; kind: 'macd'; fast: number; slow: number; signal: number };
export type IndicatorKind = IndicatorSpec['kind'];
type Params<S> = S extends unknown ? Omit<S, 'id' | 'kind'> : never;
export type IndicatorParams = Params<IndicatorSpec>;

export const INDICATOR_KINDS: readonly IndicatorKind[] = ['sma', 'ema', 'bb', 'rsi', 'macd'];
export const KIND_LABEL: Record<IndicatorKind, string> = { sma: 'SMA', ema: 'EMA', bb: 'Bollinger', rsi: 'RSI', macd: 'MACD' };
/** the parameters a new one starts with: the common charting defaults */
export const DEFAULT_PARAMS: { [K in IndicatorKind]: Params<Extract<IndicatorSpec, { kind: K }>> } = {
  sma: { period: 20 },
  ema: { period: 50 },
  bb: { period: 20, k: 2 },
  rsi: { period: 14 },
  macd: { fast: 12, slow: 26, signal: 9 },
};
/** RSI and MACD have their own scale: each gets a pane under the price */
export const PANE_KINDS: ReadonlySet<IndicatorKind> = new Set(['rsi', 'macd']);
export const MAX_PANES = 2;
export const MAX_OVERLAYS = 6;
/** the chart holds 1,000 candles: a longer window would never be ready */
export const MAX_PERIOD = 500;
export const MAX_K = 10;

export const isPane = (s: IndicatorSpec) => PANE_KINDS.has(s.kind);

/** "SMA 20", "BB 20 2", "MACD 12 26 9": the name on the chart, in the tooltip and the menu */
export function indicatorLabel(s: IndicatorSpec): string {
  switch (s.kind) {
    case 'sma':
      return `SMA ${s.period}`;
    case 'ema':
      return `EMA ${s.period}`;
    case 'bb':
      return `BB ${s.period} ${s.k}`;
    case 'rsi':
      return `RSI ${s.period}`;
    case 'macd':
      return `MACD ${s.fast} ${s.slow} ${s.signal}`;
  }
}

/** the parameters in the order they are written, for the menu's inputs */
export function paramNames(kind: IndicatorKind): string[] {
  return Object.keys(DEFAULT_PARAMS[kind]);
}

export type LibraryIndicator = Sma | Ema | Bollinger | Rsi | Macd;

/** the engine's own indicator for a spec (src-common/indicators: what strategies compute) */
export function buildIndicator(s: IndicatorSpec): LibraryIndicator {
  switch (s.kind) {
    case 'sma':
      return new Sma(s.period);
    case 'ema':
      return new Ema(s.period);
    case 'bb':
      return new Bollinger(s.period, s.k);
    case 'rsi':
      return new Rsi(s.period);
    case 'macd':
      return new Macd(s.fast, s.slow, s.signal);
  }
}

/** the names of the lines one indicator draws, in the order `readLines` gives them */
export function lineNames(kind: IndicatorKind): string[] {
  if (kind === 'bb') return ['upper', 'middle', 'lower'];
  if (kind === 'macd') return ['line', 'signal', 'histogram'];
  return ['value'];
}

/** the current values of an indicator's lines (NaN while it is not ready) */
export function readLines(kind: IndicatorKind, x: LibraryIndicator): number[] {
  if (kind === 'bb') {
    const b = x as Bollinger;
    return [b.upper, b.middle, b.lower];
  }
  if (kind === 'macd') {
    const m = x as Macd;
    return [m.line, m.signal, m.histogram];
  }
  return [(x as Sma | Ema | Rsi).value];
}

/**
 * Why a spec cannot be drawn, naming the parameter, or null. The library's own
 * checks decide (building it throws an IndicatorParamError); the chart adds the
 * upper bounds a 1,000-candle chart can show.
 */
export function specProblem(s: IndicatorSpec): { field: string; message: string } | null {
  for (const [field, v] of Object.entries(s)) {
    if (field === 'id' || field === 'kind') continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { field, message: `${field} must be a number` };
    if (field === 'k' ? v > MAX_K : v > MAX_PERIOD) return { field, message: `${field} must be at most ${field === 'k' ? MAX_K : MAX_PERIOD}` };
  }
  try {
    buildIndicator(s);
    return null;
  } catch (err) {
    if (err instanceof IndicatorParamError) return { field: err.field, message: err.message };
    throw err;
  }
}

/** specs read back from storage: anything unknown or refused is dropped, never drawn */
export function parseSpecs(raw: unknown): IndicatorSpec[] {
  if (!Array.isArray(raw)) return [];
  const out: IndicatorSpec[] = [];
  const ids = new Set<string>();
  for (const r of raw) {
    if (!r || typeof r !== 'object') continue;
    const { id, kind } = r as { id?: unknown; kind?: unknown };
    if (typeof id !== 'string' || ids.has(id) || typeof kind !== 'string' || !INDICATOR_KINDS.includes(kind as IndicatorKind)) continue;
    const k = kind as IndicatorKind;
    const spec = { id, kind: k } as Record<string, unknown>;
    for (const name of paramNames(k)) spec[name] = (r as Record<string, unknown>)[name];
    if (specProblem(spec as IndicatorSpec)) continue;
    ids.add(id);
    out.push(spec as IndicatorSpec);
  }
  return out;
}
