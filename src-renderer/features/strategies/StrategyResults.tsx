import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../src-common/contract/methods.js';
import { describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { formatFixed, formatPlain } from '../../lib/decimal.js';
import { EquityDrawdownChart } from '../backtest/Charts.js';
import { MetricsTable, TradeList } from '../backtest/RunDetail.js';
import { formatUtc } from '../backtest/report-view.js';
import { Panel } from '../../ui/Panel.js';
import { Failed, Loading } from '../../ui/states.js';

type StrategyDetail = ResultOf<'strategies.get'>;

/**
 * One strategy's own results (strategies.get): its trades, PnL, fees, win
 * rate, exposure and equity since it started, in the Backtest screen's
 * metrics table, chart and trade list, so a live run reads like a backtest.
 * Refreshed every `refreshMs` while it is on screen.
 */
export function StrategyResultsPanel({ id, refreshMs }: { id: string; refreshMs: number }) {
  const client = useClient();
  const [detail, setDetail] = useState<StrategyDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      client.call('strategies.get', { id }).then(
        (d) => {
          if (!live) return;
          setDetail(d);
          setError(null);
        },
        (err) => {
          if (live) setError(describeError(err));
        },
      );
    void load();
    const t = setInterval(() => void load(), refreshMs);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [client, id, refreshMs]);

  const r = detail?.id === id ? detail.results : null;
  return (
    <Panel title={`Results of ${id}`} className="strategy-results" actions={r ? <span className="muted small">since {formatUtc(r.start_ts)} UTC · returns on {formatPlain(r.cash)} {r.quote}</span> : null}>
      {error && !r ? (
        <Failed message={`Results unavailable: ${error}`} />
      ) : !r ? (
        <Loading what="the results" />
      ) : (
        <div data-testid="strategy-results" data-strategy={id}>
          <div className="run-report">
            <MetricsTable report={r} />
            <dl className="kv run-facts">
              <dt>Position</dt>
              <dd className="num" data-testid="strategy-position">
                {formatPlain(r.position)}
                {r.mark_price ? <span className="muted"> · marked {formatPlain(r.mark_price)}</span> : null}
              </dd>
              <dt>Realized PnL</dt>
              <dd className="num" data-testid="strategy-realized">
                {formatFixed(r.realized_pnl, 2, { sign: true })} {r.quote}
              </dd>
              <dt>Unrealized PnL</dt>
              <dd className="num" data-testid="strategy-unrealized">
                {formatFixed(r.unrealized_pnl, 2, { sign: true })} {r.quote}
              </dd>
            </dl>
          </div>
          <EquityDrawdownChart report={r} />
          <TradeList report={r} />
        </div>
      )}
    </Panel>
  );
}
