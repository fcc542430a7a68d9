import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_COMPARE, startBacktestPoller, useBacktests } from '../../../src-renderer/state/backtests.js';
import { detail, job } from '../helpers/backtests.js';
import { FakeClient } from '../helpers/fake-client.js';

beforeEach(() => {
  useBacktests.getState().reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

/** lets the poller's awaited calls settle */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
};

describe('backtests store', () => {
  it('keeps the list newest first, and a detail replaces its row', () => {
    const s = useBacktests.getState();
    s.setJobs([job({ id: 'bt-2', status: 'running' }), job({ id: 'bt-1' })] as never);
    s.setDetail(detail({ id: 'bt-2', status: 'done' }) as never);
    expect(useBacktests.getState().jobs.map((j) => [j.id, j.status])).toEqual([
      ['bt-2', 'done'],
      ['bt-1', 'done'],
    ]);
    // a list fetched before the run finished does not take its row back to running
    useBacktests.getState().setJobs([job({ id: 'bt-2', status: 'running' }), job({ id: 'bt-1' })] as never);
    expect(useBacktests.getState().jobs[0]!.status).toBe('done');
  });

  it('forgets the runs the engine no longer keeps, in the selection and the comparison too', () => {
    const s = useBacktests.getState();
    s.setJobs([job({ id: 'bt-2' }), job({ id: 'bt-1' })] as never);
    s.setDetail(detail({ id: 'bt-1' }) as never);
    s.select('bt-1');
    s.toggleCompare('bt-1');
    s.toggleCompare('bt-2');
    useBacktests.getState().setJobs([job({ id: 'bt-2' })] as never);
    expect(useBacktests.getState()).toMatchObject({ selected: null, compare: ['bt-2'], details: {} });
  });

  it('a poll that changes nothing keeps the comparison and details as they were (views re-fetch when those change)', () => {
    const s = useBacktests.getState();
    s.setJobs([job({ id: 'bt-1' })] as never);
    s.setDetail(detail({ id: 'bt-1' }) as never);
    s.toggleCompare('bt-1');
    const before = useBacktests.getState();
    useBacktests.getState().setJobs([job({ id: 'bt-1' })] as never);
    expect(useBacktests.getState().compare).toBe(before.compare);
    expect(useBacktests.getState().details).toBe(before.details);
  });

  it(`compares at most ${MAX_COMPARE} runs; ticking again removes one`, () => {
    const s = useBacktests.getState();
    for (let i = 1; i <= MAX_COMPARE + 1; i++) s.toggleCompare(`bt-${i}`);
    expect(useBacktests.getState().compare).toHaveLength(MAX_COMPARE);
    s.toggleCompare('bt-1');
    expect(useBacktests.getState().compare).not.toContain('bt-1');
  });
});

describe('backtest poller', () => {
  it('polls the selected run while it runs, stops when it is done, and fetches its report once', async () => {
    let status = 'running';
    let done = 0;
    const client = new FakeClient({
      'backtests.list': () => [job({ id: 'bt-1', status, progress: { done, total: 100, unit: 'bars' } })],
      'backtests.get': () => detail({ id: 'bt-1', status, progress: { done, total: 100, unit: 'bars' } }),
    });
    useBacktests.getState().select('bt-1');
    const poller = startBacktestPoller(client, { intervalMs: 500 });
    poller.kick();
    await settle();
    expect(useBacktests.getState().details['bt-1']!.status).toBe('running');
    done = 50;
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(useBacktests.getState().jobs[0]!.progress.done).toBe(50);
    status = 'done';
    done = 100;
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(useBacktests.getState().details['bt-1']!.report?.metrics.trades).toBe(2);
    const calls = client.calls.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(client.calls.length).toBe(calls); // nothing runs: no more polls
    poller.kick();
    await settle();
    expect(client.callsOf('backtests.get')).toHaveLength(3); // the finished report is not fetched again
    poller.dispose();
  });

  it('fetches the reports of the runs ticked for comparison', async () => {
    const client = new FakeClient({
      'backtests.list': () => [job({ id: 'bt-2' }), job({ id: 'bt-1' })],
      'backtests.get': (p: any) => detail({ id: p.id }),
    });
    useBacktests.getState().toggleCompare('bt-1');
    useBacktests.getState().toggleCompare('bt-2');
    const poller = startBacktestPoller(client);
    poller.kick();
    await settle();
    expect(Object.keys(useBacktests.getState().details).sort()).toEqual(['bt-1', 'bt-2']);
    poller.dispose();
  });

  it('says why the list is unavailable', async () => {
    const client = new FakeClient({});
    const poller = startBacktestPoller(client);
    poller.kick();
    await settle();
    expect(useBacktests.getState()).toMatchObject({ status: 'error', error: 'no fake answer for backtests.list' });
    poller.dispose();
  });
});
