/**
 * Issue 15 (the REST/WS hot path): the Binance gateway's streams listen to
 * every engine event. With no user-data connection open, an order's events
 * (orders, fills, balances) must not make their data: it is made lazily, on
 * first read, and the gateway has nobody to give it to.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import { AccessControl } from '../../../src-main/api/access.js';
import { BinanceStreams } from '../../../src-main/api/binance/ws-gateway.js';
import { TokenBuckets } from '../../../src-main/api/rate-limit.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

describe('Binance streams with no client', () => {
  it('reads no data of order, fill and balance events', () => {
    let listener: ((e: EngineEvent) => void) | null = null;
    const engine = new FakeEngine();
    const streams = new BinanceStreams({
      engine: { subscribe: (l) => ((listener = l), () => {}), keyPrincipal: () => null, onKeyRevoked: () => () => {} },
      access: new AccessControl(engine, new TokenBuckets({ perSecond: 50, burst: 100 })),
      call: async () => null,
      publicRead: async () => null,
      ws: { maxBufferedBytes: 1 << 20, closeGraceMs: 100, maxConnections: 10, maxConnectionsPerKey: 10 },
    });
    try {
      const read: string[] = [];
      for (const kind of ['orders', 'fills', 'balances'] as const) {
        listener!({
          kind,
          channel: kind,
          get data() {
            read.push(kind);
            return { account: 'paper' };
          },
        } as EngineEvent);
      }
      expect(read).toEqual([]);
    } finally {
      streams.stop();
    }
  });
});
