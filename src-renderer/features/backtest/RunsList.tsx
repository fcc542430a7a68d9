import { MAX_COMPARE, type BacktestJob, isFinished, useBacktests } from '../../state/backtests.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';
import { runLabel } from './report-view.js';

/** done / total as a bar and a percentage; total is 0 until the data is loaded */
export function Progress({ job }: { job: Pick<BacktestJob, 'progress' | 'status'> }) {
  const { done, total, unit } = job.progress;
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total || undefined} aria-valuenow={done} aria-label={`${done} of ${total} ${unit}`} data-testid="backtest-progress">
      <span className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text num">{total > 0 ? `${pct.toFixed(0)} % · ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} ${unit}` : 'loading data…'}</span>
    </div>
  );
}

const STATUS_CLASS: Record<BacktestJob['status'], string> = { running: 'tone-warn', done: 'tone-ok', failed: 'tone-bad', canceled: 'muted', interrupted: 'tone-warn' };

/** The kept runs (this session's and earlier ones'): pick one to see it, tick finished ones to compare them, delete what is not wanted. */
export function RunsList({ onSelect, onCancel, onDelete }: { onSelect: (id: string) => void; onCancel: (id: string) => void; onDelete: (id: string) => void }) {
  const jobs = useBacktests((s) => s.jobs);
  const status = useBacktests((s) => s.status);
  const error = useBacktests((s) => s.error);
  const selected = useBacktests((s) => s.selected);
  const compare = useBacktests((s) => s.compare);
  const toggleCompare = useBacktests((s) => s.toggleCompare);
  return (
    <Panel title="Runs" className="backtest-runs" actions={<span className="muted small">tick finished runs to compare (up to {MAX_COMPARE})</span>}>
      {status === 'error' && jobs.length === 0 ? (
        <Failed message={`Backtests unavailable: ${error ?? ''}`} />
      ) : status === 'loading' || status === 'idle' ? (
        <Loading what="backtests" />
      ) : jobs.length === 0 ? (
        <Empty>No backtests yet.</Empty>
      ) : (
        <table className="table runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th aria-label="Compare" />
              <th>Run</th>
              <th>Symbol</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => {
              const comparable = j.status === 'done' && j.kind === 'backtest';
              return (
                <tr key={j.id} className={`run-row ${j.id === selected ? 'row-selected' : ''}`} data-run={j.id} onClick={() => onSelect(j.id)} aria-selected={j.id === selected}>
                  <td onClick={(e) => e.stopPropagation()}>
                    <input
                      type="checkbox"
                      aria-label={`Compare ${j.id}`}
                      checked={compare.includes(j.id)}
                      disabled={!comparable || (!compare.includes(j.id) && compare.length >= MAX_COMPARE)}
                      onChange={() => toggleCompare(j.id)}
                      data-testid="compare-run"
                    />
                  </td>
                  <td className="run-label" title={`${j.data}\n${runLabel(j)}`}>
                    {runLabel(j)}
                    {j.kind === 'sweep' && <span className="pill">sweep</span>}
                  </td>
                  <td>{j.symbol}</td>
                  <td>
                    {j.status === 'running' ? (
                      <Progress job={j} />
                    ) : (
                      <span className={STATUS_CLASS[j.status]} title={j.error ?? undefined}>
                        {j.status}
                      </span>
                    )}
                  </td>
                  <td>
                    {isFinished(j) ? (
                      <button
                        type="button"
                        className="btn btn-tiny"
                        aria-label={`Delete ${j.id}`}
                        title="Delete this run and its results"
                        data-testid="delete-run"
                        onClick={(e) => {
                          e.stopPropagation();
                          onDelete(j.id);
                        }}
                      >
                        Delete
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-tiny"
                        onClick={(e) => {
                          e.stopPropagation();
                          onCancel(j.id);
                        }}
                      >
                        Cancel
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
