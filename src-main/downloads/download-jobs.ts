/**
 * History downloads as jobs of the protocol (market.download, market.downloads,
 * the `downloads` channel), a feature the composition root plugs into the engine
 * (market.candles answers from what they cached: engine/data/candle-query.ts).
 *
 * The download itself belongs to the account's feed (a CcxtFeed: paginated
 * fetchOHLCV into the SQLite market cache, resumable); here it becomes a job
 * with an id, progress and an end. Starting the same window again while it
 * runs answers the running job; after it failed (or ended) it resumes the same
 * job, and the feed fetches only what the cache lacks. Jobs live for the
 * session; the candles stay in the cache.
 */
import { TernError, badRequest } from '../../src-common/contract/errors.js';
import type { DownloadParams, Handlers } from '../../src-common/contract/methods.js';
import type { DownloadJob } from '../../src-common/contract/schemas.js';
import { timeframeMs } from '../engine/data/candles.js';
import { type HistorySource, isHistorySource } from '../engine/data/candle-query.js';
import { iso } from '../engine/dto.js';
import type { FeatureHost } from '../engine/features.js';
import type { Clock, IdSource } from '../engine/ports/clock.js';
import { type Logger, silentLogger } from '../engine/ports/logger.js';
import type { MarketFeed } from '../engine/ports/market-data.js';

export interface DownloadJobsOptions {
  clock: Clock;
  ids: IdSource;
  log?: Logger;
  /** tells the `downloads` channel about a job (each start, page and end) */
  publish(job: DownloadJob): void;
  /** the feed of an account that quotes `symbol`; throws NOT_FOUND when either is unknown */
  feed(account: string, symbol: string): MarketFeed;
  /** finished jobs kept for market.downloads (default 200) */
  keep?: number;
}

interface Job {
  key: string;
  dto: DownloadJob;
  params: DownloadParams;
  abort: AbortController | null;
}

export class DownloadJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly log: Logger;
  private stopped = false;

  constructor(private readonly opts: DownloadJobsOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Starts a download, or answers the one running for the same window, or resumes the one that stopped. */
  start(p: DownloadParams): DownloadJob {
    if (this.stopped) throw new TernError('CONFLICT', 'the engine is stopping');
    const feed = this.opts.feed(p.account, p.symbol);
    if (!isHistorySource(feed)) {
      throw new TernError('CONFLICT', `account ${p.account} has no exchange to download history from (only accounts on an exchange have one)`, { field: 'account' });
    }
    const now = this.opts.clock.now();
    const until = p.until ?? now;
    if (p.since >= until) throw badRequest(p.until === undefined ? 'since must be in the past' : 'until must be after since', { field: p.until === undefined ? 'since' : 'until' });
    const key = `${p.account}|${p.symbol}|${p.timeframe}|${p.since}|${p.until ?? 'now'}`;
    let job = [...this.jobs.values()].find((j) => j.key === key);
    if (job?.dto.status === 'running') return job.dto;
    const tf = timeframeMs(p.timeframe);
    const total = Math.ceil((until - Math.floor(p.since / tf) * tf) / tf);
    if (job) {
      this.jobs.delete(job.dto.id); // to the end: market.downloads lists the newest first
      job.dto = { ...withoutError(job.dto), until: iso(until), status: 'running', total_estimate: Math.max(total, job.dto.total_estimate), updated_at: iso(now) };
    } else {
      const dto: DownloadJob = {
        id: this.opts.ids.next('D'),
        account: p.account,
        symbol: p.symbol,
        timeframe: p.timeframe,
        since: iso(p.since),
        until: iso(until),
        status: 'running',
        fetched: 0,
        total_estimate: total,
        progress: 0,
        started_at: iso(now),
        updated_at: iso(now),
      };
      job = { key, dto, params: p, abort: null };
    }
    this.jobs.set(job.dto.id, job);
    this.prune();
    this.opts.publish(job.dto);
    void this.run(job, feed, until);
    return job.dto;
  }

  /** every job of the session, newest first */
  list(): DownloadJob[] {
    return [...this.jobs.values()].map((j) => j.dto).reverse();
  }

  /** cancels the running downloads (engine stop) */
  stop(): void {
    this.stopped = true;
    for (const job of this.jobs.values()) job.abort?.abort();
  }

  private async run(job: Job, source: HistorySource, until: number): Promise<void> {
    const abort = new AbortController();
    job.abort = abort;
    const { symbol, timeframe, since } = job.params;
    try {
      const last = await source.fetchHistory({
        symbol,
        timeframe,
        since,
        until,
        signal: abort.signal,
        onProgress: (p) => this.update(job, p.cached, p.expected, false),
      });
      this.update(job, last.cached, last.expected, true);
    } catch (err) {
      const canceled = abort.signal.aborted;
      const error = canceled ? 'canceled: the engine stopped; download again to resume' : err instanceof Error ? err.message : String(err);
      if (!canceled) this.log.warn({ job: job.dto.id, account: job.params.account, symbol, timeframe, err: error }, 'history download failed');
      this.set(job, { status: canceled ? 'canceled' : 'failed', error });
    } finally {
      job.abort = null;
    }
  }

  /** progress only grows: a resumed job starts where the cache is, which is where it stopped or further */
  private update(job: Job, cached: number, expected: number, done: boolean): void {
    const fetched = Math.max(job.dto.fetched, cached);
    const total = Math.max(expected, fetched);
    const progress = done ? 1 : Math.max(job.dto.progress, Math.min(0.999, total > 0 ? fetched / total : 0));
    this.set(job, { fetched, total_estimate: total, progress, ...(done ? { status: 'done' as const } : {}) });
  }

  private set(job: Job, change: Partial<DownloadJob>): void {
    job.dto = { ...job.dto, ...change, updated_at: iso(this.opts.clock.now()) };
    this.opts.publish(job.dto);
  }

  private prune(): void {
    const keep = this.opts.keep ?? 200;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= keep) return;
      if (job.dto.status !== 'running') this.jobs.delete(id);
    }
  }
}

function withoutError(dto: DownloadJob): DownloadJob {
  const { error: _error, ...rest } = dto;
  return rest;
}

/** market.download and market.downloads, plugged into an engine by the composition root; the running jobs end when it stops */
export function downloadHandlers(host: FeatureHost): Pick<Handlers, 'market.download' | 'market.downloads'> {
  const jobs = new DownloadJobs({
    clock: host.clock,
    ids: host.ids,
    log: host.log,
    publish: (job) => host.publish('downloads', 'downloads', () => job),
    feed: (account, symbol) => host.feed(account, symbol),
  });
  host.onStop(() => jobs.stop());
  return { 'market.download': (p) => jobs.start(p), 'market.downloads': () => jobs.list() };
}
