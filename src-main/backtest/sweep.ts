import { TernError, badRequest } from '../../src-common/contract/errors.js';
import type { ParamValue } from '../strategies/api.js';
import { loadStrategy } from '../strategies/loader.js';
import { resolveParams } from '../strategies/params.js';
import { type GridAxis, expandGrid } from './grid.js';
import { METRIC_NAMES, type MetricName } from './metrics.js';
import type { MetricsDto } from './report.js';
import { type PortableConfig, WorkerPool, defaultWorkers } from './worker-pool.js';

export interface SweepConfig {
  /** the run every combination starts from; its params are the fixed ones */
  base: PortableConfig;
  /** the parameters to vary */
  grid: Record<string, GridAxis>;
  /** the metric the results are sorted by; default sharpe */
  metric?: MetricName;
  /** default: descending, except max_drawdown and fees (lower is better) */
  order?: 'asc' | 'desc';
  /** worker threads; default the CPU cores (never more than the runs) */
  workers?: number;
}

export interface SweepRow {
  /** the combination's place in the grid (first axis slowest) */
  index: number;
  params: Record<string, ParamValue>;
  metrics: MetricsDto | null;
  /** why the combination did not run (invalid parameters, a failing strategy) */
  error: string | null;
}

export interface SweepResult {
  metric: MetricName;
  order: 'asc' | 'desc';
  runs: number;
  workers: number;
  wall_ms: number;
  /** sorted by the metric; runs without a value (null or an error) last */
  rows: SweepRow[];
}

const LOWER_IS_BETTER = new Set<MetricName>(['max_drawdown', 'fees']);

/**
 * A parameter sweep: every combination of the grid, each a full backtest,
 * spread over worker threads; `onProgress` hears of each finished run.
 * Combinations the strategy refuses (e.g. fast ≥ slow) are rows with an
 * error, not failures of the sweep.
 */
export async function runSweep(config: SweepConfig, options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<SweepResult> {
  const metric = config.metric ?? 'sharpe';
  if (!METRIC_NAMES.includes(metric)) throw badRequest(`metric must be one of ${METRIC_NAMES.join(', ')}`, { field: 'metric' });
  const order = config.order ?? (LOWER_IS_BETTER.has(metric) ? 'asc' : 'desc');
  const combos = expandGrid(config.grid);
  const { definition } = await loadStrategy(config.base.strategy, config.base.cwd);
  const started = performance.now();
  const rows: SweepRow[] = combos.map((combo, index) => ({ index, params: { ...(config.base.params ?? {}), ...combo } as Record<string, ParamValue>, metrics: null, error: null }));
  const runnable: SweepRow[] = [];
  for (const row of rows) {
    try {
      row.params = resolveParams(definition, row.params);
      runnable.push(row);
    } catch (err) {
      row.error = err instanceof Error ? err.message : String(err);
    }
  }
  const workers = Math.max(1, Math.min(config.workers ?? defaultWorkers(), runnable.length));
  const pool = new WorkerPool(workers);
  let done = rows.length - runnable.length;
  options.onProgress?.(done, rows.length);
  const onAbort = () => void pool.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(
      runnable.map(async (row) => {
        try {
          const outcome = await pool.run({ ...config.base, params: row.params });
          row.metrics = outcome.metrics;
        } catch (err) {
          if (options.signal?.aborted) throw new TernError('CONFLICT', 'the sweep was canceled');
          row.error = err instanceof Error ? err.message : String(err);
        }
        done++;
        options.onProgress?.(done, rows.length);
      }),
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
  return { metric, order, runs: rows.length, workers, wall_ms: Math.round(performance.now() - started), rows: sortRows(rows, metric, order) };
}

/** rows by `metric` (decimal strings compared as numbers), missing values last, ties in grid order */
export function sortRows(rows: SweepRow[], metric: MetricName, order: 'asc' | 'desc'): SweepRow[] {
  const value = (r: SweepRow): number | null => {
    const v = r.metrics?.[metric];
    if (v === null || v === undefined) return null;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isNaN(n) ? null : n;
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === null && vb === null ? a.index - b.index : va === null ? 1 : -1;
    return (order === 'asc' ? va - vb : vb - va) || a.index - b.index;
  });
}
