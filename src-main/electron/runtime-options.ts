/** Engine settings for the desktop app, from the environment (pure, so testable). */
import { dirname, join } from 'node:path';
import type { RuntimeOptions } from '../runtime.js';

export type DesktopRuntimeOptions = Pick<RuntimeOptions, 'feed' | 'symbol' | 'paperBalance' | 'markets'> & { feed: string };

/**
 * The bundled sample replays (BTC/USDT and, beside it, ETH/BTC) unless TERN_FEED names another
 * (`replay:FILE.csv[@SPEED]`); TERN_SYMBOL and TERN_PAPER_BALANCE as for
 * `npm run serve`. Empty variables count as unset.
 */
export function desktopRuntimeOptions(env: NodeJS.ProcessEnv, sampleFeed: string): DesktopRuntimeOptions {
  const feed = env['TERN_FEED']?.trim();
  const symbol = env['TERN_SYMBOL']?.trim();
  const balance = env['TERN_PAPER_BALANCE']?.trim();
  // a fresh install shows two markets: the second bundled sample lies beside the first
  const markets = !feed && !symbol ? { markets: [{ feed: `replay:${sampleFeed}`, symbol: 'BTC/USDT' }, { feed: `replay:${join(dirname(sampleFeed), 'ETH-BTC_1m_sample.csv')}`, symbol: 'ETH/BTC' }] } : {};
  return {
    feed: feed || `replay:${sampleFeed}`,
    ...markets,
    ...(symbol ? { symbol } : {}),
    ...(balance ? { paperBalance: balance } : {}),
  };
}
