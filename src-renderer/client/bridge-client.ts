import type { TernBridge } from '../../src-common/contract/bridge.js';
import type { MethodName, ParamsOf, ResultOf } from '../../src-common/contract/methods.js';
import { asCallError } from './call-error.js';
import type { ClientEvent, ConnectionStatus, TernClient } from './types.js';

/**
 * The desktop transport: window.tern from the preload. The engine lives in the
 * same app, so the link is open from the start; every engine event is
 * forwarded by main, so subscriptions are not needed.
 */
export class BridgeClient implements TernClient {
  readonly transport = 'ipc' as const;
  readonly keyId = null;
  private readonly current: ConnectionStatus = { phase: 'open', reconnects: 0 };
  private readonly off: Array<() => void> = [];

  constructor(private readonly bridge: TernBridge) {}

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    try {
      return await this.bridge.call(method, params);
    } catch (err) {
      throw asCallError(err);
    }
  }

  onEvent(listener: (event: ClientEvent) => void): () => void {
    const off = this.bridge.onEvent((event) => {
      listener({ ...event, receivedAt: performance.now() });
    });
    this.off.push(off);
    return off;
  }

  setChannels(_channels: readonly string[]): void {
    // main forwards every event over IPC
  }

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(): () => void {
    return () => {};
  }

  close(): void {
    for (const off of this.off.splice(0)) off();
  }
}
