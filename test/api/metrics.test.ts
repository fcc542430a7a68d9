/**
 * /metrics costs an idle server nothing it does not need (issue 15): the
 * event-loop lag is sampled every EVENT_LOOP_SAMPLE_MS, not by prom-client's
 * default 10 ms timer that woke the loop 100 times a second.
 */
import perfHooks from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiMetrics, EVENT_LOOP_SAMPLE_MS } from '../../src-main/api/metrics.js';

afterEach(() => vi.restoreAllMocks());

describe('ApiMetrics', () => {
  it('samples the event-loop lag at a coarse resolution and still serves it', async () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    const metrics = new ApiMetrics({ stats: () => ({}) } as never);
    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    expect(EVENT_LOOP_SAMPLE_MS).toBeGreaterThanOrEqual(100);
    const text = await metrics.render();
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });
});
