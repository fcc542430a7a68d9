import { useEffect } from 'react';
import { useNotifications, type Toast } from '../../state/notifications.js';

const LIFETIME: Record<Toast['kind'], number> = { info: 5_000, success: 5_000, warning: 8_000, error: 12_000 };

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useNotifications((s) => s.dismiss);
  useEffect(() => {
    const t = setTimeout(() => dismiss(toast.id), LIFETIME[toast.kind]);
    return () => clearTimeout(t);
  }, [toast.id, toast.kind, dismiss]);
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <div className="toast-text">
        <div className="toast-title">{toast.title}</div>
        {toast.body && <div className="toast-body">{toast.body}</div>}
      </div>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useNotifications((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
