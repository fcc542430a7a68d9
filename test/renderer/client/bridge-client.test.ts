import { describe, expect, it } from 'vitest';
import type { TernBridge } from '../../../src-common/contract/bridge.js';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import { BridgeClient } from '../../../src-renderer/client/bridge-client.js';
import { CallError } from '../../../src-renderer/client/call-error.js';

function fakeBridge() {
  const listeners = new Set<(e: EngineEvent) => void>();
  const bridge = {
    call: async (method: string, params: unknown) => {
      if (method === 'orders.cancel') throw { code: 'NOT_FOUND', message: 'order not found: O-9', details: { id: 'O-9' } };
      return { method, params };
    },
    onEvent: (l: (e: EngineEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as TernBridge;
  return { bridge, emit: (e: EngineEvent) => listeners.forEach((l) => l(e)), listeners };
}

describe('BridgeClient (the desktop transport)', () => {
  it('passes calls to window.tern and is open from the start', async () => {
    const { bridge } = fakeBridge();
    const client = new BridgeClient(bridge);
    expect(client.transport).toBe('ipc');
    expect(client.status().phase).toBe('open');
    await expect(client.call('orders.get', { id: 'O-1' })).resolves.toEqual({ method: 'orders.get', params: { id: 'O-1' } });
  });

  it('turns the bridge\'s plain error objects into CallErrors with their code', async () => {
    const client = new BridgeClient(fakeBridge().bridge);
    const err = await client.call('orders.cancel', { id: 'O-9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', details: { id: 'O-9' } });
  });

  it('forwards every engine event, stamped on arrival, and stops on close', () => {
    const { bridge, emit, listeners } = fakeBridge();
    const client = new BridgeClient(bridge);
    const seen: unknown[] = [];
    client.onEvent((e) => seen.push(e));
    client.setChannels(['orders']); // nothing to do over IPC: main forwards every event
    emit({ kind: 'orders', channel: 'orders', data: { id: 'O-1' } } as unknown as EngineEvent);
    expect(seen).toEqual([{ kind: 'orders', channel: 'orders', data: { id: 'O-1' }, receivedAt: expect.any(Number) }]);
    client.close();
    expect(listeners.size).toBe(0);
  });
});
