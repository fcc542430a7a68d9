/** A real engine (paper venue over a fake feed) behind Tern's API server, and a ccxt bot pointed at its Binance gateway. */
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import type { VenueCapabilities } from '../../src-main/engine/ports/venue.js';
import { binanceFor, type Binance } from './ccxt-binance.js';
import { realEngineWithFeed } from './real-engine-factory.js';

export interface GatewayUnderTest {
  te: Awaited<ReturnType<typeof realEngineWithFeed>>;
  server: ApiServer;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ccxt.binance with the trade key, markets loaded */
  ex: Binance;
  close(): Promise<void>;
}

export async function startGateway(rateLimit = { perSecond: 1000, burst: 1000 }, opts: { capabilities?: VenueCapabilities } = {}): Promise<GatewayUnderTest> {
  const te = await realEngineWithFeed(opts);
  const server = createApiServer({ engine: te.engine, version: 'test', logger: false, port: 0, rateLimit });
  const url = (await server.listen()).url;
  const ex = binanceFor(`${url}/binance`, te.keys.trade);
  await ex.loadMarkets();
  return {
    te,
    server,
    url,
    ex,
    close: async () => {
      await server.close();
      await te.close();
    },
  };
}
