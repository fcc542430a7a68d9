import type { InstrumentSpec } from '../../engine/model/types.js';
import { PaperVenue, type PaperVenueOptions } from '../paper/paper-venue.js';
import type { CcxtFeed } from './ccxt-feed.js';

/**
 * A paper account that mirrors a real exchange: live public market data from
 * that exchange through ccxt, fills simulated by the paper venue. The venue
 * owns its feed: markets load before the paper venue reads the instruments,
 * and the feed starts and stops with it.
 */
export class PaperMirrorVenue extends PaperVenue {
  constructor(private readonly feed: CcxtFeed, options: Omit<PaperVenueOptions, 'marketData'>) {
    super({ ...options, marketData: feed });
  }

  override async loadMarkets(): Promise<InstrumentSpec[]> {
    await this.feed.loadMarkets();
    return super.loadMarkets();
  }

  override async start(): Promise<void> {
    await this.feed.start();
    await super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.feed.stop();
  }
}
