import { create } from 'zustand';
import type { ConnectionStatus } from '../client/types.js';

export interface ConnectionState {
  status: ConnectionStatus;
  transport: 'ipc' | 'ws' | null;
  setStatus(status: ConnectionStatus): void;
  setTransport(t: 'ipc' | 'ws' | null): void;
}

export const useConnection = create<ConnectionState>()((set) => ({
  status: { phase: 'connecting', reconnects: 0 },
  transport: null,
  setStatus: (status) => set({ status }),
  setTransport: (transport) => set({ transport }),
}));

/**
 * When market data last arrived, per account (epoch ms). Written at event
 * rate, so it is a plain map read by the header's once-a-second clock, not
 * state that re-renders anything.
 */
export const marketHeartbeat = new Map<string, number>();
