import { useEffect, useState } from 'react';
import { describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { notify } from '../../state/notifications.js';
import { Panel } from '../../ui/Panel.js';

/** Settings → Strategies: whether strategies running when Tern stopped start again with it (strategies.getSettings / setSettings). */
export function StrategySettingsPanel() {
  const client = useClient();
  const [resume, setResume] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.call('strategies.getSettings', {}).then(
      (s) => live && setResume(s.resume_on_start),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const change = async (next: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const s = await client.call('strategies.setSettings', { resume_on_start: next });
      setResume(s.resume_on_start);
      notify({ kind: 'info', title: s.resume_on_start ? 'Strategies will resume on start' : 'Strategies will start stopped', body: 'Applies the next time Tern starts.' });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Strategies" className="settings-strategies">
      <label className={`check ${resume === null || busy ? 'disabled' : ''}`}>
        <input type="checkbox" name="resume-strategies" checked={resume ?? false} disabled={resume === null || busy} onChange={(e) => void change(e.target.checked)} />
        Resume strategies on start
      </label>
      <p className="muted small">
        Strategies that were running when Tern stopped or crashed start again with their parameters. Off: they are listed as stopped by the restart. <code>serve --no-resume</code> starts them stopped once.
      </p>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </Panel>
  );
}
