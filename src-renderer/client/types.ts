import type { EngineEvent } from '../../src-common/contract/events.js';
import type { MethodName, ParamsOf, ResultOf } from '../../src-common/contract/methods.js';

/** Where the connection to the engine stands, as the header shows it. */
export type ConnectionPhase =
  | 'connecting' // first attempt
  | 'open' // authenticated, calls and events flow
  | 'reconnecting' // lost; retrying with backoff
  | 'unauthorized' // the key was refused: sign in again
  | 'closed'; // closed on purpose (sign out)

export interface ConnectionStatus {
  phase: ConnectionPhase;
  /** how many times the link came back after a loss: stores resync when it grows */
  reconnects: number;
  /** why the last attempt failed, in words for the trader */
  detail?: string;
  /** epoch ms of the next retry while reconnecting */
  retryAt?: number;
}

/** An engine event as the renderer sees it, stamped with when it arrived (performance.now()). */
export type ClientEvent = EngineEvent & { receivedAt: number };

/**
 * The one interface the UI talks to, whatever carries it: the desktop IPC
 * bridge (window.tern) or the local API's WebSocket in a browser.
 */
export interface TernClient {
  readonly transport: 'ipc' | 'ws';
  /** the API key id this session acts as (web mode), once authenticated */
  readonly keyId: string | null;
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  onEvent(listener: (event: ClientEvent) => void): () => void;
  /**
   * Declares the channels the UI wants (private channels and the market
   * channels of the symbols on screen). The IPC bridge forwards every event, so
   * there it is a no-op; the WebSocket subscribes and resubscribes after a reconnect.
   */
  setChannels(channels: readonly string[]): void;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}
