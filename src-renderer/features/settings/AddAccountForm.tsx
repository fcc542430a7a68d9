import { type FormEvent, useId, useRef, useState } from 'react';
import { MODES } from '../../../src-common/contract/constants/accounts.js';
import type { Account } from '../../../src-common/contract/schemas.js';
import { asCallError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { type AccountDraft, type AccountErrors, type AccountField, COMMON_EXCHANGES, DEAD_MAN_MAX_S, DEAD_MAN_MIN_S, EMPTY_DRAFT, accountFieldOf, accountParams, checkAccount } from './account-form.js';

/** the field whose error an edit clears */
const FIELD_OF: Record<keyof AccountDraft, AccountField> = { id: 'id', exchange: 'exchange', mode: 'mode', liveConfirmed: 'confirm', sandbox: 'sandbox', baseUrl: 'base_url', startingBalances: 'starting_balances', deadManS: 'dead_man_switch_s' };

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <div className="field-error" id={id} role="alert">
      {message}
    </div>
  );
}

/**
 * Adds an account. The exchange keys are typed into password fields the page
 * never copies: they are read from the fields when the form is sent, travel
 * once with accounts.create (to the OS keychain), and the fields are emptied as
 * soon as the call settles, accepted or not. No React state and no store ever
 * holds them.
 */
export function AddAccountForm({ onAdded, onCancel }: { onAdded: (account: Account) => void; onCancel: () => void }) {
  const client = useClient();
  const uid = useId();
  const [draft, setDraft] = useState<AccountDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<AccountErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const apiKeyRef = useRef<HTMLInputElement>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const live = draft.mode === 'live';
  const realExchange = draft.exchange.trim() !== 'paper';
  const set = (patch: Partial<AccountDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch) as Array<keyof AccountDraft>) delete next[FIELD_OF[k]];
      return next;
    });
  };
  const clearSecrets = () => {
    for (const ref of [apiKeyRef, secretRef, passwordRef]) if (ref.current) ref.current.value = '';
  };
  const errId = (f: AccountField) => `${uid}-err-${f}`;
  const invalid = (f: AccountField) => ({ 'aria-invalid': Boolean(errors[f]), 'aria-describedby': errors[f] ? errId(f) : undefined });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setFailure(null);
    const found = checkAccount(draft, { apiKey: apiKeyRef.current?.value ?? '', secret: secretRef.current?.value ?? '', password: passwordRef.current?.value ?? '' });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      // the keys exist here only, for the length of this call
      const account = await client.call('accounts.create', accountParams(draft, { apiKey: apiKeyRef.current?.value ?? '', secret: secretRef.current?.value ?? '', password: passwordRef.current?.value ?? '' }));
      setDraft(EMPTY_DRAFT);
      setErrors({});
      onAdded(account);
    } catch (err) {
      const ce = asCallError(err);
      const field = accountFieldOf(ce.field);
      if (field) setErrors({ [field]: ce.message });
      setFailure(ce.field ? `${ce.field}: ${ce.message}` : ce.message);
    } finally {
      clearSecrets();
      setBusy(false);
    }
  };

  return (
    <form className={`account-form ${live ? 'account-form-live' : ''}`} onSubmit={submit} aria-label="Add an account" autoComplete="off" noValidate data-testid="account-form">
      <div className="form-grid">
        <label className="field">
          <span>Account id</span>
          <input className="input" name="account-id" value={draft.id} maxLength={32} placeholder="binance-main" onChange={(e) => set({ id: e.target.value })} spellCheck={false} {...invalid('id')} />
          <FieldError id={errId('id')} message={errors.id} />
        </label>
        <label className="field">
          <span>Exchange (ccxt id)</span>
          <input className="input" name="exchange" list={`${uid}-exchanges`} value={draft.exchange} maxLength={32} onChange={(e) => set({ exchange: e.target.value.toLowerCase() })} spellCheck={false} {...invalid('exchange')} />
          <datalist id={`${uid}-exchanges`}>
            <option value="paper">paper (simulated)</option>
            {COMMON_EXCHANGES.map((x) => (
              <option key={x} value={x} />
            ))}
          </datalist>
          <FieldError id={errId('exchange')} message={errors.exchange} />
        </label>
        <div className="field">
          <span id={`${uid}-mode`}>Mode</span>
          <div className="seg mode-seg" role="radiogroup" aria-labelledby={`${uid}-mode`}>
            {MODES.map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                aria-checked={draft.mode === m}
                className={`seg-btn ${draft.mode === m ? `seg-active mode-choice-${m}` : ''}`}
                // a live account needs a real exchange: "paper" is cleared for the trader to name one
                onClick={() => set({ mode: m, liveConfirmed: false, ...(m === 'live' && draft.exchange.trim() === 'paper' ? { exchange: '' } : {}) })}
                data-testid={`account-mode-${m}`}
              >
                {m.toUpperCase()}
              </button>
            ))}
          </div>
        </div>
      </div>

      {live ? (
        <div className="live-warning" role="note">
          <strong>LIVE</strong> — orders from this account go to {realExchange && draft.exchange.trim() ? draft.exchange.trim() : 'the exchange'} with real money. The keys go straight to your OS keychain; Tern never writes them to its database or shows them again.
        </div>
      ) : (
        <p className="muted small">PAPER — simulated fills against {realExchange && draft.exchange.trim() ? `${draft.exchange.trim()}'s` : 'the replay or paper'} market data; no keys, no real money.</p>
      )}

      {live && (
        <div className="form-grid">
          <label className="field">
            <span>API key</span>
            <input ref={apiKeyRef} className="input mono" type="password" name="api-key" autoComplete="new-password" spellCheck={false} maxLength={512} {...invalid('api_key')} />
            <FieldError id={errId('api_key')} message={errors.api_key} />
          </label>
          <label className="field">
            <span>API secret</span>
            <input ref={secretRef} className="input mono" type="password" name="api-secret" autoComplete="new-password" spellCheck={false} maxLength={4096} {...invalid('secret')} />
            <FieldError id={errId('secret')} message={errors.secret} />
          </label>
          <label className="field">
            <span>Passphrase (OKX, Coinbase…; optional)</span>
            <input ref={passwordRef} className="input mono" type="password" name="api-passphrase" autoComplete="new-password" spellCheck={false} maxLength={512} {...invalid('password')} />
            <FieldError id={errId('password')} message={errors.password} />
          </label>
          <label className="field" title="Tern re-arms the exchange's cancel-all-after timer on a heartbeat; if Tern stops (crash, sleep, network), the exchange cancels the resting orders after this many seconds. Only exchanges with cancel-all-after in ccxt (e.g. bybit, okx, kraken; not binance spot): the account shows whether it is available.">
            <span>Dead-man switch, seconds (optional; {DEAD_MAN_MIN_S}–{DEAD_MAN_MAX_S})</span>
            <input className="input mono" name="dead-man-switch" inputMode="numeric" value={draft.deadManS} placeholder="off" onChange={(e) => set({ deadManS: e.target.value })} {...invalid('dead_man_switch_s')} data-testid="dead-man-switch" />
            <FieldError id={errId('dead_man_switch_s')} message={errors.dead_man_switch_s} />
          </label>
        </div>
      )}

      {!live && (
        <label className="field">
          <span>Starting balances (optional; restored by a reset)</span>
          <input className="input mono" name="starting-balances" value={draft.startingBalances} placeholder="USDT=100000, BTC=1" onChange={(e) => set({ startingBalances: e.target.value })} spellCheck={false} {...invalid('starting_balances')} />
          <FieldError id={errId('starting_balances')} message={errors.starting_balances} />
        </label>
      )}

      {realExchange && (
        <div className="form-grid">
          <label className="check" title="the exchange's testnet">
            <input type="checkbox" name="sandbox" checked={draft.sandbox} onChange={(e) => set({ sandbox: e.target.checked })} {...invalid('sandbox')} /> Sandbox (the exchange's testnet)
          </label>
          <label className="field">
            <span>Base URL (optional: a testnet or local simulator)</span>
            <input className="input mono" name="base-url" value={draft.baseUrl} maxLength={200} placeholder="https://…" onChange={(e) => set({ baseUrl: e.target.value })} spellCheck={false} {...invalid('base_url')} />
            <FieldError id={errId('base_url')} message={errors.base_url} />
          </label>
        </div>
      )}
      <FieldError id={errId('sandbox')} message={errors.sandbox} />

      {live && (
        <label className="check live-confirm">
          <input type="checkbox" name="live-confirm" checked={draft.liveConfirmed} onChange={(e) => set({ liveConfirmed: e.target.checked })} {...invalid('confirm')} data-testid="live-confirm" /> I understand that this account trades real money
          on {realExchange && draft.exchange.trim() ? draft.exchange.trim() : 'the exchange'}.
        </label>
      )}
      <FieldError id={errId('confirm')} message={errors.confirm} />

      {failure && (
        <div className="state state-error form-failure" role="alert" data-testid="account-error">
          Not added: {failure}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className={`btn ${live ? 'btn-live' : 'btn-primary'}`} disabled={busy || (live && !draft.liveConfirmed)} data-testid="account-submit">
          {busy ? 'Adding…' : live ? 'Add LIVE account' : 'Add paper account'}
        </button>
      </div>
    </form>
  );
}
