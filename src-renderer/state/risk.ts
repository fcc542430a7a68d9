import { create } from 'zustand';
import type { Risk } from '../../src-common/contract/schemas.js';

export interface RiskStoreState {
  /** null until known; false when this engine has no risk controls to offer */
  available: boolean | null;
  risk: Risk | null;
  error?: string;
  set(risk: Risk): void;
  unavailable(reason: string): void;
  reset(): void;
}

export const useRisk = create<RiskStoreState>()((set) => ({
  available: null,
  risk: null,
  set: (risk) => set({ risk, available: true, error: undefined }),
  unavailable: (reason) => set({ available: false, error: reason }),
  reset: () => set({ available: null, risk: null, error: undefined }),
}));

/** a `risk` event's data: what happened plus the whole picture after it */
export function riskFromEvent(data: Record<string, unknown>): Risk | null {
  if (typeof data['state'] !== 'string' || !Array.isArray(data['limits']) || typeof data['usage'] !== 'object') return null;
  const { event: _event, report: _report, trips: _trips, ...rest } = data;
  return rest as unknown as Risk;
}
