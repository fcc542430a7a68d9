import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { LocalApiStatus } from '../../../src-common/contract/bridge.js';
import { describeError } from '../../client/call-error.js';
import { type DesktopShell, desktopShell } from '../../client/shell.js';
import { notify } from '../../state/notifications.js';
import { Panel } from '../../ui/Panel.js';
import { Failed, Loading } from '../../ui/states.js';

export const DEFAULT_API_PORT = 7878;

/** a port the trader may choose (bridge.ts LocalApiSettings: 1024-65535), or why not */
export function checkPort(text: string): { port: number } | { error: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { error: 'A port is a whole number from 1024 to 65535' };
  const port = Number(t);
  if (port < 1024 || port > 65535) return { error: 'From 1024 to 65535 (lower ports need administrator rights)' };
  return { port };
}

function DesktopApi({ shell }: { shell: DesktopShell }) {
  const [status, setStatus] = useState<LocalApiStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [port, setPort] = useState('');
  const [portError, setPortError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  const show = (s: LocalApiStatus) => {
    setStatus(s);
    setEnabled(s.enabled);
    setPort(String(s.port || DEFAULT_API_PORT));
  };
  const load = useCallback(async () => {
    setLoadError(null);
    try {
      show(await shell('api.status', {}));
    } catch (err) {
      setLoadError(describeError(err));
    }
  }, [shell]);
  useEffect(() => {
    void load();
  }, [load]);

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    const checked = checkPort(port);
    if ('error' in checked) {
      setPortError(checked.error);
      return;
    }
    setPortError(null);
    setSaveError(null);
    setSaving(true);
    try {
      const next = await shell('api.setEnabled', { enabled, port: checked.port });
      show(next);
      if (next.enabled && !next.running) setSaveError(next.error ?? 'enabled, but the server did not start');
      else notify({ kind: 'info', title: next.running ? `Local API on at ${next.url ?? `port ${next.port}`}` : 'Local API off' });
    } catch (err) {
      setSaveError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <Failed message={`Local API settings unavailable: ${loadError}`} onRetry={() => void load()} />;
  if (!status) return <Loading what="local API settings" />;
  const dirty = enabled !== status.enabled || port.trim() !== String(status.port);
  return (
    <form className="local-api-form" onSubmit={apply} data-testid="local-api">
      <div className="local-api-status">
        {status.running ? (
          <>
            <span className="dot dot-ok" aria-hidden="true" /> On at{' '}
            <code className="mono" data-testid="local-api-url">
              {status.url ?? `http://127.0.0.1:${status.port}`}
            </code>
          </>
        ) : status.enabled ? (
          <>
            <span className="dot dot-bad" aria-hidden="true" /> <span className="tone-bad">Enabled but not running{status.error ? `: ${status.error}` : ''}</span>
          </>
        ) : (
          <>
            <span className="dot dot-warn" aria-hidden="true" /> Off
          </>
        )}
      </div>
      <div className="form-grid">
        <label className="check">
          <input type="checkbox" name="api-enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Serve the API on 127.0.0.1 (this computer only)
        </label>
        <label className="field field-inline">
          <span>Port</span>
          <input
            className="input num port-input"
            name="api-port"
            inputMode="numeric"
            value={port}
            onChange={(e) => {
              setPort(e.target.value);
              setPortError(null);
            }}
            aria-invalid={Boolean(portError)}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-small" disabled={saving || !dirty}>
          {saving ? 'Applying…' : 'Apply'}
        </button>
      </div>
      {portError && (
        <div className="field-error" role="alert">
          port: {portError}
        </div>
      )}
      {saveError && (
        <div className="field-error" role="alert">
          {saveError}
        </div>
      )}
    </form>
  );
}

/**
 * Settings → Local API. In the desktop app: the REST/WebSocket server for your
 * own scripts and browsers, on or off, and its port. In a browser: this page
 * is itself a client of that API.
 */
export function LocalApiPanel({ shell = desktopShell() }: { shell?: DesktopShell | null }) {
  return (
    <Panel title="Local API" className="settings-local-api">
      {shell ? (
        <>
          <p className="muted small">Lets your scripts, and Tern in a browser, use this engine over REST and WebSocket. Off by default; it listens on 127.0.0.1 only, and every call needs an API key.</p>
          <DesktopApi shell={shell} />
        </>
      ) : (
        <p data-testid="local-api-web">
          This page is using the local API at <code className="mono">{window.location.origin}</code>. It is switched on and off, and its port chosen, in the Tern desktop app (or by <code>npm run serve</code>).
        </p>
      )}
    </Panel>
  );
}
