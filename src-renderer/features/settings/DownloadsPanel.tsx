import { useCallback, useEffect } from 'react';
import type { DownloadJob } from '../../../src-common/contract/schemas.js';
import { describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { formatDateTime } from '../../lib/format.js';
import { useDownloads } from '../../state/downloads.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';

const STATUS_TONE: Record<DownloadJob['status'], string> = { running: '', done: 'tone-ok', failed: 'tone-bad', canceled: 'muted' };

/** "42%", or "100%" once done (the estimate is an upper bound, so a finished job may fetch fewer) */
export function progressText(job: DownloadJob): string {
  return `${Math.round((job.status === 'done' ? 1 : job.progress) * 100)}%`;
}

/** Settings → Downloads: history downloads of this session and their progress (market.downloads + the `downloads` channel). */
export function DownloadsPanel() {
  const client = useClient();
  const jobs = useDownloads((s) => s.jobs);
  const status = useDownloads((s) => s.status);
  const error = useDownloads((s) => s.error);

  const load = useCallback(async () => {
    const store = useDownloads.getState();
    store.loading();
    try {
      store.load(await client.call('market.downloads', {}));
    } catch (err) {
      store.fail(describeError(err));
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Panel title="Downloads" className="settings-downloads">
      {status === 'error' && jobs.length === 0 ? (
        <Failed message={error ?? 'downloads unavailable'} onRetry={() => void load()} />
      ) : status !== 'ready' && jobs.length === 0 ? (
        <Loading what="downloads" />
      ) : jobs.length === 0 ? (
        <Empty>No history downloads in this session.</Empty>
      ) : (
        <table className="table small" data-testid="downloads-table">
          <thead>
            <tr>
              <th>Market</th>
              <th>Window</th>
              <th>Progress</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-job={j.id}>
                <td>
                  {j.account} · {j.symbol} · {j.timeframe}
                </td>
                <td className="muted">
                  {formatDateTime(j.since)} → {formatDateTime(j.until)}
                </td>
                <td className="num">
                  <progress className="download-bar" max={1} value={j.status === 'done' ? 1 : j.progress} aria-label={`${j.symbol} download progress`} />
                  {progressText(j)} <span className="muted">({j.fetched} candles)</span>
                </td>
                <td>
                  <span className={STATUS_TONE[j.status]}>{j.status}</span>
                  {j.error && <div className="muted small">{j.error}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
