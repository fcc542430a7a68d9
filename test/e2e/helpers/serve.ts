import { join } from 'node:path';
import { freePort, startServeChild } from '../../../scripts/serve-child.js';
import { ROOT } from './build.js';

export { freePort };

export const SAMPLE_FEED = join(ROOT, 'resources', 'replay', 'BTC-USDT_1m_sample.csv');
export const ETH_BTC_SAMPLE = join(ROOT, 'resources', 'replay', 'ETH-BTC_1m_sample.csv');

export interface Served {
  url: string;
  port: number;
  /** the admin key given as TERN_API_KEY */
  key: string;
  /** the one-time link `serve` printed */
  signInLink: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `npm run serve` for real: the headless engine as a child process, with a
 * temporary data folder, a replay feed, a free port, TERN_API_KEY, and the
 * web UI from `webRoot`. Resolves once it printed its sign-in link.
 */
export async function startServe(opts: { webRoot: string; speed?: number; feed?: string; markets?: ReadonlyArray<{ file: string; symbol: string }>; timeoutMs?: number }): Promise<Served> {
  const feed = `replay:${opts.feed ?? SAMPLE_FEED}@${opts.speed ?? 20}`;
  // several markets: --feed/--symbol pairs
  const feedArgs = opts.markets ? opts.markets.flatMap((m) => ['--feed', `replay:${m.file}@${opts.speed ?? 20}`, '--symbol', m.symbol]) : ['--feed', feed];
  const s = await startServeChild({
    name: 'e2e',
    args: feedArgs,
    env: { TERN_WEB_ROOT: opts.webRoot },
    ready: /sign-in link[^:]*: (http:\/\/\S+#signin=\S+)/,
    timeoutMs: opts.timeoutMs ?? 30_000,
    stopGraceMs: 5_000,
  });
  return { url: s.url, port: s.port, key: s.key, signInLink: s.ready[1]!, output: s.output, stop: s.stop };
}
