import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../../src-common/contract/engine-api.js';
import type { MethodName, ResultOf } from '../../../src-common/contract/methods.js';

/** NONE: public; KEY: `X-MBX-APIKEY` alone (Binance's USER_STREAM); READ and TRADE: signed, with that scope */
export type Security = 'NONE' | 'KEY' | 'READ' | 'TRADE';

/** One request to the Binance gateway, as an endpoint sees it. */
export interface Call {
  account: string;
  params: Record<string, string>;
  principal: Principal | null;
  call<M extends MethodName>(method: M, params: unknown): Promise<ResultOf<M>>;
}

export interface Endpoint {
  security: Security;
  /** the parameters it reads besides timestamp, recvWindow and signature; any other is -1104 */
  params: readonly string[];
  during?: 'order' | 'cancel' | 'query';
  handle(c: Call): Promise<unknown>;
}

/** What the gateway's WebSockets add to its REST side (src-main/api/binance/ws-gateway.ts). */
export interface GatewayStreams {
  /** `METHOD path` → endpoint, e.g. the userDataStream listen keys */
  endpoints: Record<string, Endpoint>;
  /** registers the WebSocket routes in the gateway's own context (prefix, error handling) */
  routes(app: FastifyInstance): void;
  /** GET depth's lastUpdateId: the last update id the `@depth` stream sent for the symbol */
  depthUpdateId(account: string, symbol: string): number;
  /** a cancel's own client id (DELETE order's newClientOrderId), for the executionReport that reports it */
  noteCancel(orderId: string, cancelClientOrderId: string): void;
}
