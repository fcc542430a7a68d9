import { useState } from 'react';
import type { Account, ReconcileResult } from '../../../src-common/contract/schemas.js';
import { asCallError, describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { titleCase } from '../../lib/format.js';
import { accountAdded, accountRemoved } from '../../state/accounts.js';
import { notify } from '../../state/notifications.js';
import { useReference } from '../../state/reference.js';
import { Dialog } from '../../ui/Dialog.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';
import { AddAccountForm } from './AddAccountForm.js';
import { DeadManSwitchControl } from './DeadManSwitchControl.js';

/** contract/schemas.ts Account.status: active, stale (market data silent), degraded (exchange failing requests), disconnected (reconnecting), error (cannot trade) */
const STATUS_TONE: Record<string, string> = { active: 'tone-ok', stale: 'tone-warn', degraded: 'tone-warn', disconnected: 'tone-bad', error: 'tone-bad' };

type Report = { at: number; result: ReconcileResult } | { at: number; error: string; account: string | null };

/** What a reconciliation found and fixed, or why it could not run. */
export function ReconcileReportView({ report, onClose }: { report: Report; onClose: () => void }) {
  const scope = 'result' in report ? report.result.account : report.account;
  return (
    <div className="reconcile-report" data-testid="reconcile-report" role="status">
      <div className="reconcile-head">
        <strong>Reconciliation · {scope ?? 'every live account'}</strong>
        <span className="muted small">{new Date(report.at).toLocaleTimeString(undefined, { hour12: false })}</span>
        <button type="button" className="btn btn-tiny btn-ghost" onClick={onClose} aria-label="Close the report">
          ✕
        </button>
      </div>
      {'error' in report ? (
        <div className="field-error">Could not reconcile: {report.error}</div>
      ) : (
        <>
          <p className="small">
            Compared {report.result.checked} item(s) (orders, exchange orders, trades, balances):{' '}
            {report.result.fixed.length === 0 && report.result.unresolved.length === 0 ? (
              <span className="tone-ok">Tern and the exchange agree.</span>
            ) : (
              <span>
                {report.result.fixed.length} fixed, <span className={report.result.unresolved.length > 0 ? 'tone-bad' : ''}>{report.result.unresolved.length} unresolved</span>.
              </span>
            )}
          </p>
          {report.result.fixed.length > 0 && (
            <table className="table small">
              <thead>
                <tr>
                  <th>Account</th>
                  <th>Fix</th>
                  <th>Order</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {report.result.fixed.map((f, i) => (
                  <tr key={i}>
                    <td>{f.account}</td>
                    <td>{titleCase(f.kind)}</td>
                    <td className="mono">{f.order_id ?? f.client_order_id ?? '—'}</td>
                    <td>{f.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.result.unresolved.length > 0 && (
            <ul className="unresolved">
              {report.result.unresolved.map((u, i) => (
                <li key={i} className="tone-bad">
                  {u}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/**
 * Settings → Accounts: the accounts, adding one (paper, or live with its keys
 * sent once to the keychain), removing one, and reconciling with the exchange now.
 */
export function AccountsPanel() {
  const client = useClient();
  const accounts = useReference((s) => s.accounts);
  const status = useReference((s) => s.status);
  const error = useReference((s) => s.error);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Account | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [reconciling, setReconciling] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const anyLive = accounts.some((a) => a.mode === 'live');

  const reconcile = async (account: string | null) => {
    setReconciling(account ?? '*');
    try {
      const result = await client.call('reconcile.run', account ? { account } : {});
      setReport({ at: Date.now(), result });
    } catch (err) {
      setReport({ at: Date.now(), error: describeError(err), account });
    } finally {
      setReconciling(null);
    }
  };

  const remove = async (account: Account) => {
    setRemoveError(null);
    try {
      await client.call('accounts.delete', { id: account.id });
      accountRemoved(account.id);
      setRemoving(null);
      notify({ kind: 'info', title: `Account ${account.id} removed`, body: account.mode === 'live' ? 'Its keys were deleted from the OS keychain.' : undefined });
    } catch (err) {
      const ce = asCallError(err);
      setRemoveError(describeError(ce));
    }
  };

  return (
    <Panel
      title="Accounts"
      className="settings-accounts"
      actions={
        <>
          {anyLive && (
            <button type="button" className="btn btn-small" onClick={() => void reconcile(null)} disabled={reconciling !== null} title="Compare every live account with its exchange now">
              {reconciling === '*' ? 'Reconciling…' : 'Reconcile all'}
            </button>
          )}
          <button type="button" className="btn btn-small btn-primary" onClick={() => setAdding(true)} disabled={adding} data-testid="add-account">
            Add account
          </button>
        </>
      }
    >
      {status === 'error' ? (
        <Failed message={error ?? 'accounts unavailable'} />
      ) : status === 'loading' ? (
        <Loading what="accounts" />
      ) : accounts.length === 0 ? (
        <Empty>No accounts.</Empty>
      ) : (
        <table className="table" data-testid="accounts-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Exchange</th>
              <th>Mode</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id} data-account={a.id}>
                <td>{a.id}</td>
                <td>{a.exchange}</td>
                <td>
                  <span className={`mode-badge mode-badge-${a.mode}`}>{a.mode.toUpperCase()}</span>
                </td>
                <td>
                  <span className={STATUS_TONE[a.status] ?? ''}>{a.status}</span>
                  {a.reason && <div className="muted small">{a.reason}</div>}
                  {a.dead_man_switch && <DeadManSwitchControl account={{ ...a, dead_man_switch: a.dead_man_switch }} />}
                </td>
                <td className="row-actions">
                  {a.mode === 'live' && (
                    <button type="button" className="btn btn-tiny" onClick={() => void reconcile(a.id)} disabled={reconciling !== null} data-testid="reconcile-account">
                      {reconciling === a.id ? 'Reconciling…' : 'Reconcile now'}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-tiny btn-danger"
                    onClick={() => {
                      setRemoveError(null);
                      setRemoving(a);
                    }}
                    data-testid="remove-account"
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && <ReconcileReportView report={report} onClose={() => setReport(null)} />}
      {adding && (
        <AddAccountForm
          onCancel={() => setAdding(false)}
          onAdded={(account) => {
            setAdding(false);
            void accountAdded(client, account);
            notify({ kind: 'success', title: `Account ${account.id} added`, body: `${account.exchange} · ${account.mode.toUpperCase()}` });
          }}
        />
      )}
      <Dialog open={removing !== null} title="Remove this account?" onClose={() => setRemoving(null)} className={removing?.mode === 'live' ? 'dialog-danger' : ''}>
        <p>
          Remove <strong>{removing?.id}</strong> ({removing?.exchange}, {removing?.mode.toUpperCase()}) from Tern?
          {removing?.mode === 'live' ? ' Its API keys are deleted from the OS keychain; nothing changes on the exchange.' : ''} An account with working orders cannot be removed: cancel them first.
        </p>
        {removeError && (
          <div className="field-error" role="alert" data-testid="remove-error">
            {removeError}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setRemoving(null)} data-autofocus>
            Keep it
          </button>
          <button type="button" className="btn btn-danger" onClick={() => removing && void remove(removing)} data-testid="remove-confirm">
            Remove
          </button>
        </div>
      </Dialog>
    </Panel>
  );
}
