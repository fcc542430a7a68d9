import { useState } from 'react';
import type { Account } from '../../../src-common/contract/schemas.js';
import { describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { useReference } from '../../state/reference.js';
import { DEAD_MAN_MAX_S, DEAD_MAN_MIN_S, parseDeadManSeconds } from './account-form.js';

type DeadMan = NonNullable<Account['dead_man_switch']>;

/** What the account's dead-man switch does: off, unavailable on its exchange, or armed for N s (and a failing heartbeat). */
export function deadManText(d: DeadMan): string {
  if (!d.available) return d.timeout_s === null ? 'Dead-man switch: unavailable for this exchange' : `Dead-man switch unavailable: ${d.reason ?? 'not offered by this exchange'}`;
  if (d.timeout_s === null) return 'Dead-man switch: off';
  if (d.reason) return `Dead-man switch (${d.timeout_s} s): ${d.reason}`;
  return `Dead-man switch: ${d.armed ? 'armed' : 'arming'} — the exchange cancels resting orders ${d.timeout_s} s after Tern stops`;
}

/**
 * A live account's dead-man switch in Settings → Accounts: what it does, and
 * (where the exchange offers it) a change of its seconds or off, applied by
 * the engine at once (accounts.update); the answer is the account as it is now.
 */
export function DeadManSwitchControl({ account }: { account: Account & { dead_man_switch: DeadMan } }) {
  const client = useClient();
  const d = account.dead_man_switch;
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const open = () => {
    setText(d.timeout_s === null ? '' : String(d.timeout_s));
    setError(null);
    setEditing(true);
  };

  const save = async () => {
    const parsed = parseDeadManSeconds(text);
    if (!parsed.ok) return setError(parsed.error);
    setSaving(true);
    try {
      const updated = await client.call('accounts.update', { id: account.id, dead_man_switch_s: parsed.seconds });
      useReference.getState().upsertAccount(updated);
      setEditing(false);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const errId = `dms-error-${account.id}`;
  return (
    <div className="muted small" data-testid="dead-man-switch">
      <span data-testid="dead-man-switch-status">{deadManText(d)}</span>
      {d.available && !editing && (
        <button type="button" className="btn btn-tiny btn-ghost" onClick={open} data-testid="dead-man-switch-change">
          Change
        </button>
      )}
      {editing && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          data-testid="dead-man-switch-form"
        >
          <label>
            <span>
              Seconds ({DEAD_MAN_MIN_S}–{DEAD_MAN_MAX_S}, empty: off)
            </span>{' '}
            <input
              className="input mono"
              name="dead-man-switch-seconds"
              inputMode="numeric"
              size={5}
              value={text}
              placeholder="off"
              onChange={(e) => setText(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errId : undefined}
            />
          </label>{' '}
          <button type="submit" className="btn btn-tiny btn-primary" disabled={saving} data-testid="dead-man-switch-save">
            {saving ? 'Saving…' : 'Save'}
          </button>{' '}
          <button type="button" className="btn btn-tiny" onClick={() => setEditing(false)} disabled={saving}>
            Cancel
          </button>
          {error && (
            <div className="field-error" id={errId} role="alert">
              {error}
            </div>
          )}
        </form>
      )}
    </div>
  );
}
