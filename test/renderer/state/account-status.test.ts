import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account, DownloadJob } from '../../../src-common/contract/schemas.js';
import { accountBadge, dataAgeMs, stampReceived } from '../../../src-renderer/state/account-status.js';
import { mergeJobs, useDownloads } from '../../../src-renderer/state/downloads.js';
import { type Feed, startFeed } from '../../../src-renderer/state/feed.js';
import { useReference } from '../../../src-renderer/state/reference.js';
import { FakeClient, bootAnswers } from '../helpers/fake-client.js';
import { manualFrames, resetStores } from '../helpers/stores.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const BINANCE: Account = { id: 'bn', exchange: 'binance', mode: 'live', status: 'active' };
const stale = (patch: Partial<NonNullable<Account['market_data']>> = {}): Account => ({
  ...BINANCE,
  status: 'stale',
  reason: 'no ticker for 30 s',
  market_data: { state: 'stale', last_update: iso(T0), seconds_since_update: 30, symbols: [], ...patch },
});

describe('accountBadge: the engine status as a header badge', () => {
  it('shows an active account quietly', () => {
    expect(accountBadge(BINANCE, T0)).toMatchObject({ text: 'active', tone: 'ok' });
  });

  it('shows a stale account amber with the data age, counted from last_update so it ticks', () => {
    expect(accountBadge(stale(), T0 + 12_400)).toMatchObject({ text: 'data 12s old', tone: 'warn' });
    expect(accountBadge(stale(), T0 + 13_000).text).toBe('data 13s old');
    expect(accountBadge(stale(), T0 + 180_000).text).toBe('data 3 min old');
    expect(accountBadge(stale(), T0).title).toContain('no ticker for 30 s');
  });

  it('without last_update, counts on from seconds_since_update as of when the record arrived', () => {
    const a = stale({ last_update: null, seconds_since_update: 30 });
    stampReceived(a, T0);
    expect(dataAgeMs(a, T0)).toBe(30_000);
    expect(accountBadge(a, T0 + 5_000).text).toBe('data 35s old');
    expect(accountBadge(stale({ last_update: null, seconds_since_update: null }), T0).text).toBe('data stale');
  });

  it('shows disconnected and error red, with the reason in the title', () => {
    const down = accountBadge({ ...BINANCE, status: 'disconnected', reason: 'binance: network timeout' }, T0);
    expect(down).toMatchObject({ text: 'disconnected', tone: 'bad' });
    expect(down.title).toContain('binance: network timeout');
    const broken = accountBadge({ ...BINANCE, status: 'error', reason: 'invalid API key' }, T0);
    expect(broken).toMatchObject({ text: 'error', tone: 'bad' });
    expect(broken.title).toContain('invalid API key');
    expect(accountBadge({ ...BINANCE, status: 'error' }, T0).title).toContain('retrying');
  });

  it('shows a status it does not know amber, by name', () => {
    expect(accountBadge({ ...BINANCE, status: 'paused', reason: 'maintenance' }, T0)).toMatchObject({ text: 'paused', tone: 'warn', title: expect.stringContaining('maintenance') });
  });
});

describe('mergeJobs', () => {
  const job = (id: string, progress: number, updated: number): DownloadJob => ({
    id,
    account: 'bn',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    since: iso(T0),
    until: iso(T0 + 3_600_000),
    status: 'running',
    fetched: Math.round(progress * 60),
    total_estimate: 60,
    progress,
    started_at: iso(T0),
    updated_at: iso(updated),
  });

  it('puts a new job on top and never rolls progress back to an older record', () => {
    const jobs = mergeJobs([job('a', 0.5, T0 + 10)], [job('b', 0.1, T0 + 1), job('a', 0.2, T0 + 5)]);
    expect(jobs.map((j) => [j.id, j.progress])).toEqual([
      ['b', 0.1],
      ['a', 0.5],
    ]);
    expect(mergeJobs(jobs, [job('a', 0.9, T0 + 20)]).find((j) => j.id === 'a')?.progress).toBe(0.9);
  });
});

describe('the feed and account/download events', () => {
  let feed: Feed | null = null;
  const settle = () => new Promise((r) => setTimeout(r, 0));
  beforeEach(() => resetStores());
  afterEach(() => {
    feed?.dispose();
    feed = null;
  });

  it('subscribes accounts and downloads, and applies their events to the stores', async () => {
    const client = new FakeClient(bootAnswers());
    const frames = manualFrames();
    feed = startFeed(client, { schedule: frames.schedule, portfolioIntervalMs: 60_000 });
    await settle();
    await settle();
    expect(client.channels).toEqual(expect.arrayContaining(['accounts', 'downloads']));

    client.emit('accounts', { id: 'paper', exchange: 'paper', mode: 'paper', status: 'disconnected', reason: 'feed lost' });
    client.emit('downloads', { id: 'D-1', account: 'paper', symbol: 'BTC/USDT', timeframe: '1m', since: iso(T0), until: iso(T0 + 60_000), status: 'running', fetched: 3, total_estimate: 10, progress: 0.3, started_at: iso(T0), updated_at: iso(T0) });
    frames.run();
    expect(useReference.getState().accounts).toEqual([expect.objectContaining({ id: 'paper', status: 'disconnected', reason: 'feed lost' })]);
    expect(useDownloads.getState().jobs).toEqual([expect.objectContaining({ id: 'D-1', progress: 0.3 })]);
  });
});
