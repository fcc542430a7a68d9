import { KEY_LIMIT_NAMES } from '../../../src-common/contract/constants/risk.js';
import { KEY_RATE_LIMIT_MAX } from '../../../src-common/contract/constants/scopes.js';
import type { CreateKeyParams } from '../../../src-common/contract/methods.js';
import { useReference } from '../../state/reference.js';

type KeyLimitName = (typeof KEY_LIMIT_NAMES)[number];

/** what the trader typed for a new key's own rate, accounts and limits; empty: the default */
export interface KeyLimitsForm {
  perSecond: string;
  burst: string;
  /** none ticked: all accounts */
  accounts: string[];
  limits: Partial<Record<KeyLimitName, string>>;
}

export const EMPTY_KEY_LIMITS: KeyLimitsForm = { perSecond: '', burst: '', accounts: [], limits: {} };

const LABEL: Record<KeyLimitName, string> = {
  max_order_notional: 'Max order notional',
  max_order_quantity: 'Max order quantity',
  max_open_orders: 'Max open orders',
  max_orders_per_second: 'Max orders per second',
  price_band_pct: 'Price band %',
};

type Parts = Pick<CreateKeyParams, 'rate_limit' | 'accounts' | 'risk_limits'>;

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The keys.create fields of the form, or the first problem and its field.
 * Only what the form can see is checked here (the page has no zod); the
 * server checks the rest and its refusal names the field.
 */
export function keyLimitsParams(form: KeyLimitsForm): { params: Parts } | { error: string; field: string } {
  const params: Parts = {};
  const perSecond = form.perSecond.trim();
  const burst = form.burst.trim();
  if (perSecond || burst) {
    if (!perSecond || !burst) return { field: perSecond ? 'burst' : 'per_second', error: 'give both the rate and the burst, or neither (the default)' };
    const rate = Number(perSecond);
    if (!DECIMAL.test(perSecond) || !(rate > 0) || rate > KEY_RATE_LIMIT_MAX.per_second) return { field: 'per_second', error: `requests per second: more than 0, at most ${KEY_RATE_LIMIT_MAX.per_second}` };
    const size = Number(burst);
    if (!/^\d+$/.test(burst) || size < 1 || size > KEY_RATE_LIMIT_MAX.burst) return { field: 'burst', error: `burst: a whole number from 1 to ${KEY_RATE_LIMIT_MAX.burst}` };
    params.rate_limit = { per_second: rate, burst: size };
  }
  if (form.accounts.length > 0) params.accounts = [...form.accounts];
  const limits: Record<string, string> = {};
  for (const n of KEY_LIMIT_NAMES) {
    const v = form.limits[n]?.trim();
    if (!v) continue;
    if (!DECIMAL.test(v)) return { field: n, error: `${LABEL[n]}: a number such as "100"` };
    limits[n] = v;
  }
  if (Object.keys(limits).length > 0) params.risk_limits = limits as Parts['risk_limits'];
  return { params };
}

/** A new key's own rate, accounts and risk limits (per-bot keys): part of Settings → Local API keys' create form. */
export function KeyLimitsFields({ value, onChange }: { value: KeyLimitsForm; onChange: (next: KeyLimitsForm) => void }) {
  const accounts = useReference((s) => s.accounts);
  return (
    <fieldset className="key-limits" data-testid="key-limits">
      <legend>This key's own limits (optional)</legend>
      <div className="form-grid">
        <label className="field field-inline">
          <span>Requests per second</span>
          <input className="input num" name="key-per-second" inputMode="decimal" placeholder="default" value={value.perSecond} onChange={(e) => onChange({ ...value, perSecond: e.target.value })} />
        </label>
        <label className="field field-inline">
          <span>Burst</span>
          <input className="input num" name="key-burst" inputMode="numeric" placeholder="default" value={value.burst} onChange={(e) => onChange({ ...value, burst: e.target.value })} />
        </label>
        <span className="muted small">at most {KEY_RATE_LIMIT_MAX.per_second}/s, burst {KEY_RATE_LIMIT_MAX.burst}</span>
      </div>
      {accounts.length > 1 && (
        <div className="key-accounts">
          <span>Accounts it may trade (none ticked: all)</span>
          {accounts.map((a) => (
            <label key={a.id} className="check">
              <input
                type="checkbox"
                name={`key-account-${a.id}`}
                checked={value.accounts.includes(a.id)}
                onChange={(e) => onChange({ ...value, accounts: e.target.checked ? [...value.accounts, a.id] : value.accounts.filter((x) => x !== a.id) })}
              />{' '}
              {a.id}
            </label>
          ))}
        </div>
      )}
      <div className="form-grid">
        {KEY_LIMIT_NAMES.map((n) => (
          <label key={n} className="field field-inline">
            <span>{LABEL[n]}</span>
            <input
              className="input num"
              name={`key-limit-${n}`}
              inputMode="decimal"
              placeholder="no limit"
              value={value.limits[n] ?? ''}
              onChange={(e) => onChange({ ...value, limits: { ...value.limits, [n]: e.target.value } })}
            />
          </label>
        ))}
      </div>
    </fieldset>
  );
}
