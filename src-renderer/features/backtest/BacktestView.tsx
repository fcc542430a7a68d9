import { useEffect, useRef, useState } from 'react';
import { useAction, useClient } from '../../client/context.js';
import { type BacktestPoller, startBacktestPoller, useBacktests } from '../../state/backtests.js';
import { loadStrategies } from '../../state/strategies.js';
import { Empty } from '../../ui/states.js';
import { BacktestForm } from './BacktestForm.js';
import { CompareRuns, RunDetail } from './RunDetail.js';
import { RunsList } from './RunsList.js';

/**
 * Backtest: a new run (data, strategy, parameters, costs), the runs of this
 * session with their progress, the selected run's report (metrics, equity and
 * drawdown, trades on the price, the trade list), and a comparison of several.
 * Runs are kept by the engine across restarts until deleted here.
 */
export default function BacktestView() {
  const client = useClient();
  const act = useAction();
  const poller = useRef<BacktestPoller | null>(null);
  const selected = useBacktests((s) => s.selected);
  const compare = useBacktests((s) => s.compare);
  const [tab, setTab] = useState<'run' | 'compare'>('run');

  useEffect(() => {
    void loadStrategies(client);
    const p = startBacktestPoller(client);
    poller.current = p;
    p.kick();
    return () => {
      p.dispose();
      poller.current = null;
    };
  }, [client]);

  // the runs on screen changed: fetch what is missing (a finished report once)
  const compareKey = compare.join();
  useEffect(() => poller.current?.kick(), [selected, compareKey]);
  useEffect(() => {
    if (compare.length < 2 && tab === 'compare') setTab('run');
  }, [compare.length, tab]);

  const select = (id: string) => {
    useBacktests.getState().select(id);
    setTab('run');
  };
  const cancel = async (id: string) => {
    await act('backtests.cancel', { id }, 'Backtest not canceled');
    poller.current?.kick();
  };
  const remove = async (id: string) => {
    const deleted = await act('backtests.delete', { id }, 'Backtest not deleted');
    if (deleted) useBacktests.getState().forget(id);
    poller.current?.kick();
  };

  return (
    <div className="backtest-view">
      <div className="backtest-side">
        <BacktestForm onStarted={select} />
        <RunsList onSelect={select} onCancel={(id) => void cancel(id)} onDelete={(id) => void remove(id)} />
      </div>
      <div className="backtest-main">
        <div className="seg backtest-tabs" role="tablist" aria-label="Backtest results">
          <button type="button" role="tab" aria-selected={tab === 'run'} className={`seg-btn ${tab === 'run' ? 'seg-active' : ''}`} onClick={() => setTab('run')}>
            Run {selected ? <span className="muted">{selected}</span> : null}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'compare'} className={`seg-btn ${tab === 'compare' ? 'seg-active' : ''}`} disabled={compare.length < 2} onClick={() => setTab('compare')} data-testid="compare-tab" title={compare.length < 2 ? 'Tick two or more finished runs in the list' : undefined}>
            Compare {compare.length > 0 ? `(${compare.length})` : ''}
          </button>
        </div>
        {tab === 'compare' && compare.length >= 2 ? (
          <CompareRuns ids={compare} />
        ) : selected ? (
          <RunDetail id={selected} onCancel={(id) => void cancel(id)} />
        ) : (
          <Empty>Run a backtest, or pick one from the list.</Empty>
        )}
      </div>
    </div>
  );
}
