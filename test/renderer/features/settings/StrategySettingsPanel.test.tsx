// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StrategySettingsPanel } from '../../../../src-renderer/features/settings/StrategySettingsPanel.js';
import { FakeClient } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeEach(() => resetStores());
afterEach(cleanup);

describe('Settings → Strategies', () => {
  it('shows whether strategies resume on start and turns it off and on', async () => {
    let resume = true;
    const client = new FakeClient({
      'strategies.getSettings': () => ({ resume_on_start: resume }),
      'strategies.setSettings': (p: any) => ({ resume_on_start: (resume = p.resume_on_start) }),
    });
    const { container } = await render(<StrategySettingsPanel />, client);
    await flush();
    const box = $(container, 'input[name="resume-strategies"]') as HTMLInputElement;
    expect(box.checked).toBe(true);
    await click(box);
    await flush();
    expect(client.callsOf('strategies.setSettings')).toEqual([{ resume_on_start: false }]);
    expect(box.checked).toBe(false);
    await click(box);
    await flush();
    expect(client.callsOf('strategies.setSettings')).toEqual([{ resume_on_start: false }, { resume_on_start: true }]);
    expect(box.checked).toBe(true);
  });

  it('says why when the setting cannot be read', async () => {
    const client = new FakeClient({});
    const { container } = await render(<StrategySettingsPanel />, client);
    await flush();
    expect($(container, '[role="alert"]').textContent).toContain('strategies.getSettings');
    expect(($(container, 'input[name="resume-strategies"]') as HTMLInputElement).disabled).toBe(true);
  });
});
