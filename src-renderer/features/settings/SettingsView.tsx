import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Scope, SCOPES } from '../../../src-common/contract/constants/scopes.js';
import type { ApiKey } from '../../../src-common/contract/schemas.js';
import { describeError } from '../../client/call-error.js';
import { useAction, useClient } from '../../client/context.js';
import { formatDateTime } from '../../lib/format.js';
import { useConnection } from '../../state/connection.js';
import { notify } from '../../state/notifications.js';
import { useReference } from '../../state/reference.js';
import { Dialog } from '../../ui/Dialog.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';
import { AccountsPanel } from './AccountsPanel.js';
import { DownloadsPanel } from './DownloadsPanel.js';
import { EMPTY_KEY_LIMITS, KeyLimitsFields, type KeyLimitsForm, keyLimitsParams } from './KeyLimitsFields.js';
import { LocalApiPanel } from './LocalApiPanel.js';
import { StrategySettingsPanel } from './StrategySettingsPanel.js';

/** what each scope lets a key do, in words: a scope added to the contract without them does not compile */
const SCOPE_TEXT: Record<Scope, string> = {
  read: 'read: market data, orders, balances',
  trade: 'trade: place, amend and cancel orders',
  admin: 'admin: keys, limits, accounts',
};

function ApiKeys() {
  const client = useClient();
  const act = useAction();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [own, setOwn] = useState<KeyLimitsForm>(EMPTY_KEY_LIMITS);
  const [ownError, setOwnError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setKeys(await client.call('keys.list', {}));
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || scopes.length === 0) return;
    const limits = keyLimitsParams(own);
    if ('error' in limits) {
      setOwnError(limits.error);
      return;
    }
    setOwnError(null);
    const r = await act('keys.create', { name: name.trim(), scopes, ...limits.params }, 'Key not created');
    if (r) {
      setCreated({ name: r.name, key: r.key });
      setName('');
      setOwn(EMPTY_KEY_LIMITS);
      void load();
    }
  };

  const revoke = async (key: ApiKey) => {
    setRevoking(null);
    const r = await act('keys.delete', { id: key.id }, 'Key not revoked');
    if (r) {
      notify({ kind: 'info', title: `Key "${key.name}" revoked` });
      void load();
    }
  };

  return (
    <Panel title="Local API keys" className="settings-keys">
      <p className="muted small">Keys let your own scripts (and browsers) use this Tern's local API on 127.0.0.1. Tern stores only a hash: a new key is shown once.</p>
      <form className="key-form" onSubmit={create}>
        <label className="field">
          <span>Name</span>
          <input className="input" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder="my-bot" />
        </label>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} /> {SCOPE_TEXT[s]}
            </label>
          ))}
        </fieldset>
        <KeyLimitsFields value={own} onChange={setOwn} />
        {ownError && (
          <div className="field-error" role="alert">
            {ownError}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={!name.trim() || scopes.length === 0}>
          Create key
        </button>
      </form>
      {error ? (
        <Failed message={error} onRetry={() => void load()} />
      ) : keys === null ? (
        <Loading what="keys" />
      ) : keys.length === 0 ? (
        <Empty>No keys.</Empty>
      ) : (
        <table className="table" data-testid="keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Id</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>
                  {k.name}
                  {k.id === client.keyId && <span className="pill">this session</span>}
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{formatDateTime(k.created_at)}</td>
                {/* web sign-in sessions expire; other keys work until revoked */}
                <td data-testid="key-expires">{k.expires_at ? formatDateTime(k.expires_at) : 'never'}</td>
                <td className="muted mono">{k.id}</td>
                <td>
                  <button type="button" className="btn btn-tiny btn-danger" onClick={() => setRevoking(k)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog open={created !== null} title="New API key" onClose={() => setCreated(null)}>
        <p>
          Copy the key for <strong>{created?.name}</strong> now: it is not shown again.
        </p>
        <input className="input mono key-reveal" readOnly value={created?.key ?? ''} onFocus={(e) => e.currentTarget.select()} aria-label="New API key" data-testid="new-key" />
        <div className="dialog-actions">
          <button
            type="button"
            className="btn"
            onClick={() => {
              if (created) void navigator.clipboard?.writeText(created.key).then(() => notify({ kind: 'info', title: 'Key copied' }), () => notify({ kind: 'warning', title: 'Copy failed: select and copy by hand' }));
            }}
          >
            Copy
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setCreated(null)} data-autofocus>
            Done
          </button>
        </div>
      </Dialog>
      <Dialog open={revoking !== null} title="Revoke this key?" onClose={() => setRevoking(null)}>
        <p>
          Anything using <strong>{revoking?.name}</strong> loses access at once{revoking?.id === client.keyId ? ' — including this browser tab' : ''}.
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setRevoking(null)} data-autofocus>
            Keep it
          </button>
          <button type="button" className="btn btn-danger" onClick={() => revoking && void revoke(revoking)}>
            Revoke
          </button>
        </div>
      </Dialog>
    </Panel>
  );
}

function About({ onSignOut }: { onSignOut: (() => void) | null }) {
  const transport = useConnection((s) => s.transport);
  const version = useReference((s) => s.version);
  return (
    <Panel title="Session" className="settings-about">
      <dl className="kv">
        <dt>Engine</dt>
        <dd>Tern {version ?? '…'}</dd>
        <dt>Connected through</dt>
        <dd>{transport === 'ipc' ? 'the desktop app' : `the local API (${window.location.host})`}</dd>
      </dl>
      {onSignOut && (
        <button type="button" className="btn" onClick={onSignOut}>
          Sign out of this tab
        </button>
      )}
    </Panel>
  );
}

/** Settings: accounts, the local API (on/off, port, keys), history downloads and the session. */
export default function SettingsView({ onSignOut }: { onSignOut: (() => void) | null }) {
  return (
    <div className="settings-view">
      <div className="settings-main">
        <AccountsPanel />
        <ApiKeys />
      </div>
      <div className="settings-side">
        <LocalApiPanel />
        <StrategySettingsPanel />
        <DownloadsPanel />
        <About onSignOut={onSignOut} />
      </div>
    </div>
  );
}
