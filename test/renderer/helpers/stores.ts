import { useConnection } from '../../../src-renderer/state/connection.js';
import { useDownloads } from '../../../src-renderer/state/downloads.js';
import { useMarket } from '../../../src-renderer/state/market.js';
import { useNotifications } from '../../../src-renderer/state/notifications.js';
import { usePortfolio } from '../../../src-renderer/state/portfolio.js';
import { useReference } from '../../../src-renderer/state/reference.js';
import { useRisk } from '../../../src-renderer/state/risk.js';
import { BLANK_SIZING, BLANK_TICKET, useTicket } from '../../../src-renderer/state/ticket.js';
import { useTrading } from '../../../src-renderer/state/trading.js';

/** every store back to its first state (they are module singletons) */
export function resetStores(): void {
  useTrading.getState().reset();
  useMarket.getState().reset();
  useReference.getState().reset();
  usePortfolio.getState().reset();
  useRisk.getState().reset();
  useDownloads.getState().reset();
  useNotifications.getState().clear();
  useConnection.setState({ status: { phase: 'connecting', reconnects: 0 }, transport: null });
  useTicket.getState().set({ ...BLANK_TICKET, ...BLANK_SIZING });
}

/** a frame scheduler the test drives */
export function manualFrames() {
  const queued: Array<() => void> = [];
  return {
    schedule: (f: () => void) => queued.push(f),
    get pending() {
      return queued.length;
    },
    run() {
      for (const f of queued.splice(0)) f();
    },
  };
}
