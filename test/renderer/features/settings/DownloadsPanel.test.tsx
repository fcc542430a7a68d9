// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadJob } from '../../../../src-common/contract/schemas.js';
import { DownloadsPanel } from '../../../../src-renderer/features/settings/DownloadsPanel.js';
import { useDownloads } from '../../../../src-renderer/state/downloads.js';
import { FakeClient } from '../../helpers/fake-client.js';
import { $, cleanup, flush, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

const job = (patch: Partial<DownloadJob> = {}): DownloadJob => ({
  id: 'D-1',
  account: 'bn',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  since: '2024-05-01T00:00:00.000Z',
  until: '2024-05-02T00:00:00.000Z',
  status: 'running',
  fetched: 360,
  total_estimate: 1440,
  progress: 0.25,
  started_at: '2024-05-01T12:00:00.000Z',
  updated_at: '2024-05-01T12:00:01.000Z',
  ...patch,
});

beforeEach(() => resetStores());
afterEach(cleanup);

describe('Settings → Downloads', () => {
  it('lists the session downloads, then follows their progress events', async () => {
    const { container } = await render(<DownloadsPanel />, new FakeClient({ 'market.downloads': () => [job()] }));
    await flush();
    expect($(container, '[data-job="D-1"]').textContent).toContain('25%');
    await act(async () => useDownloads.getState().apply([job({ progress: 0.8, fetched: 1152, updated_at: '2024-05-01T12:00:05.000Z' })]));
    expect($(container, '[data-job="D-1"]').textContent).toContain('80%');
    await act(async () => useDownloads.getState().apply([job({ status: 'failed', error: 'rate limited', updated_at: '2024-05-01T12:00:09.000Z' })]));
    expect($(container, '[data-job="D-1"]').textContent).toContain('failedrate limited');
  });

  it('says when there are none, and when the list cannot be loaded', async () => {
    const empty = await render(<DownloadsPanel />, new FakeClient({ 'market.downloads': () => [] }));
    await flush();
    expect(empty.container.textContent).toContain('No history downloads');
    await cleanup();
    resetStores();
    const failed = await render(<DownloadsPanel />, new FakeClient());
    await flush();
    expect($(failed.container, '[role="alert"]').textContent).toContain('market.downloads');
  });
});
