/** Engine settings for the desktop app, from the environment (pure, so testable). */
import type { RuntimeOptions } from '../runtime.js';

export type DesktopRuntimeOptions = Pick<RuntimeOptions, 'feed' | 'symbol' | 'paperBalance'> & { feed: string };

/**
 * The bundled sample replay unless TERN_FEED names another
 * (`replay:FILE.csv[@SPEED]`); TERN_SYMBOL and TERN_PAPER_BALANCE as for
 * `npm run serve`. Empty variables count as unset.
 */
export function desktopRuntimeOptions(env: NodeJS.ProcessEnv, sampleFeed: string): DesktopRuntimeOptions {
  const feed = env['TERN_FEED']?.trim();
  const symbol = env['TERN_SYMBOL']?.trim();
  const balance = env['TERN_PAPER_BALANCE']?.trim();
  return {
    feed: feed || `replay:${sampleFeed}`,
    ...(symbol ? { symbol } : {}),
    ...(balance ? { paperBalance: balance } : {}),
  };
}
