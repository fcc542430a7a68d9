// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalApiSettings, LocalApiStatus } from '../../../../src-common/contract/bridge.js';
import type { DesktopShell } from '../../../../src-renderer/client/shell.js';
import { LocalApiPanel, checkPort } from '../../../../src-renderer/features/settings/LocalApiPanel.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeEach(() => resetStores());
afterEach(cleanup);

/** the desktop shell's local API, in memory: a taken port refuses to start */
function fakeShell(initial: LocalApiStatus, takenPort?: number) {
  let current = initial;
  const calls: Array<{ method: string; params: unknown }> = [];
  const shell = (async (method: string, params: LocalApiSettings) => {
    calls.push({ method, params });
    if (method === 'api.setEnabled') {
      const running = params.enabled && params.port !== takenPort;
      current = {
        ...params,
        running,
        url: running ? `http://127.0.0.1:${params.port}` : null,
        error: params.enabled && !running ? `port ${params.port} is already in use` : null,
      };
    }
    return current;
  }) as unknown as DesktopShell;
  return { shell, calls };
}

const OFF: LocalApiStatus = { enabled: false, port: 7878, running: false, url: null, error: null };
const apply = async (c: HTMLElement) => {
  await act(async () => {
    $(c, 'form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
};

describe('Settings → Local API', () => {
  it('in the desktop app, shows the server off, turns it on at a port and shows its address', async () => {
    const { shell, calls } = fakeShell(OFF);
    const { container } = await render(<LocalApiPanel shell={shell} />);
    await flush();
    expect($(container, '.local-api-status').textContent).toContain('Off');
    expect(($(container, '[name="api-port"]') as HTMLInputElement).value).toBe('7878');
    await click($(container, '[name="api-enabled"]'));
    await type($(container, '[name="api-port"]') as HTMLInputElement, '9123');
    await apply(container);
    expect(calls.at(-1)).toEqual({ method: 'api.setEnabled', params: { enabled: true, port: 9123 } });
    expect($(container, '[data-testid="local-api-url"]').textContent).toBe('http://127.0.0.1:9123');
  });

  it('says why the server is not running although enabled', async () => {
    const { shell } = fakeShell(OFF, 7878);
    const { container } = await render(<LocalApiPanel shell={shell} />);
    await flush();
    await click($(container, '[name="api-enabled"]'));
    await apply(container);
    expect(container.textContent).toContain('Enabled but not running: port 7878 is already in use');
  });

  it('refuses a port outside 1024-65535 before asking the app', async () => {
    const { shell, calls } = fakeShell({ ...OFF, enabled: true, running: true, url: 'http://127.0.0.1:7878' });
    const { container } = await render(<LocalApiPanel shell={shell} />);
    await flush();
    await type($(container, '[name="api-port"]') as HTMLInputElement, '80');
    await apply(container);
    expect(calls.map((c) => c.method)).toEqual(['api.status']);
    expect(container.textContent).toContain('port: From 1024 to 65535');
    expect(checkPort('65535')).toEqual({ port: 65535 });
    expect(checkPort('7878x')).toMatchObject({ error: expect.any(String) });
  });

  it('in a browser, says this page is itself using the local API', async () => {
    const { container } = await render(<LocalApiPanel shell={null} />);
    expect($(container, '[data-testid="local-api-web"]').textContent).toContain(`This page is using the local API at ${window.location.origin}`);
    expect(container.querySelector('[name="api-enabled"]')).toBeNull();
  });
});
