import { create } from 'zustand';

export type ToastKind = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  body?: string;
  /** epoch ms */
  at: number;
}

export const MAX_TOASTS = 5;

export interface NotificationState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id' | 'at'>): number;
  /** rewrites a toast still on screen (false when it is gone) */
  update(id: number, t: Omit<Toast, 'id' | 'at'>): boolean;
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;

/** Toasts for fills, rejects, risk trips and the connection; the newest on top, a few at a time. */
export const useNotifications = create<NotificationState>()((set, get) => ({
  toasts: [],
  push: (t) => {
    const id = nextId++;
    set((s) => ({ toasts: [{ ...t, id, at: Date.now() }, ...s.toasts].slice(0, MAX_TOASTS) }));
    return id;
  },
  update: (id, t) => {
    if (!get().toasts.some((x) => x.id === id)) return false;
    set((s) => ({ toasts: s.toasts.map((x) => (x.id === id ? { ...x, ...t, at: Date.now() } : x)) }));
    return true;
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  clear: () => set({ toasts: [] }),
}));

export const notify = (t: Omit<Toast, 'id' | 'at'>) => useNotifications.getState().push(t);
