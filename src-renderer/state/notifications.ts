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
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;

/** Toasts for fills, rejects, risk trips and the connection; the newest on top, a few at a time. */
export const useNotifications = create<NotificationState>()((set) => ({
  toasts: [],
  push: (t) => {
    const id = nextId++;
    set((s) => ({ toasts: [{ ...t, id, at: Date.now() }, ...s.toasts].slice(0, MAX_TOASTS) }));
    return id;
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  clear: () => set({ toasts: [] }),
}));

export const notify = (t: Omit<Toast, 'id' | 'at'>) => useNotifications.getState().push(t);
