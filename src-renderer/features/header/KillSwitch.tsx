import { useState } from 'react';
import { useAction } from '../../client/context.js';
import { notify } from '../../state/notifications.js';
import { useRisk } from '../../state/risk.js';
import { Dialog } from '../../ui/Dialog.js';

/**
 * The kill switch's confirmation: halts trading, cancels every open order on
 * every account and, if asked, closes every position. "Cancel" has the focus,
 * so a stray Enter does nothing.
 */
export function KillSwitchDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const act = useAction();
  const available = useRisk((s) => s.available);
  const [flatten, setFlatten] = useState(false);
  const [reason, setReason] = useState('kill switch pulled from the UI');
  const [busy, setBusy] = useState(false);

  const pull = async () => {
    setBusy(true);
    try {
      if (available === false) {
        const r = await act('orders.cancelAll', {}, 'Cancel-all failed');
        if (r) notify({ kind: 'warning', title: 'Open orders canceled', body: `${r.canceled.length} canceled. Risk controls are not available here, so trading is not halted.` });
      } else {
        const r = await act('risk.killSwitch', { reason: reason.trim() || 'kill switch', flatten }, 'Kill switch failed');
        // the engine's risk event reports the halt itself (for a kill switch pulled anywhere); here, only what failed
        if (r && r.failed.length > 0) {
          notify({ kind: 'error', title: `Kill switch: ${r.failed.length} action(s) FAILED`, body: r.failed.map((f) => `${f.action} ${f.id}: ${f.error}`).join('; ') });
        }
      }
    } finally {
      setBusy(false);
      onClose();
    }
  };

  return (
    <Dialog open={open} title="Pull the kill switch?" onClose={onClose} className="dialog-danger">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void pull();
        }}
      >
        {available === false ? (
          <p>Risk controls are not available in this engine: this cancels every open order on every account, but cannot halt trading.</p>
        ) : (
          <p>
            Trading goes to <strong>HALTED</strong> and every open order on every account is canceled. Nothing new can be sent until you set the state back to
            ACTIVE under Risk.
          </p>
        )}
        {available !== false && (
          <>
            <label className="field">
              <span>Reason</span>
              <input type="text" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
            </label>
            <label className="check">
              <input type="checkbox" checked={flatten} onChange={(e) => setFlatten(e.target.checked)} /> Also close every position at market
            </label>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button type="submit" className="btn btn-kill" disabled={busy} data-testid="kill-confirm">
            {busy ? 'Halting…' : available === false ? 'Cancel all orders' : 'HALT TRADING'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
