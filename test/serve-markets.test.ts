/** `serve --feed A --symbol X --feed B --symbol Y`: several markets on the paper account (issue 13). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledMarkets, bundledSampleFeed, createRuntime } from '../src-main/runtime.js';
import { MemorySecretStore } from '../src-main/secrets/secret-store.js';
import { marketsFrom as pair } from '../src-main/serve-markets.js';

const marketsFrom = (feeds: string[], symbols: string[]) => pair(feeds, symbols, { bundled: bundledMarkets(), symbol: 'BTC/USDT' });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const ctx = { actor: 'test' };

describe('the markets serve replays', () => {
  it('pairs each --feed with its --symbol in order, and keeps the one-feed forms', () => {
    expect(marketsFrom(['replay:a.csv', 'replay:b.csv@5'], ['BTC/USDT', 'ETH/BTC'])).toEqual([
      { feed: 'replay:a.csv', symbol: 'BTC/USDT' },
      { feed: 'replay:b.csv@5', symbol: 'ETH/BTC' },
    ]);
    expect(marketsFrom(['replay:a.csv'], [])).toEqual([{ feed: 'replay:a.csv', symbol: 'BTC/USDT' }]);
    expect(marketsFrom([], ['SOL/USDT'])).toEqual([{ feed: `replay:${bundledSampleFeed()}@10`, symbol: 'SOL/USDT' }]);
  });

  it('without --feed: the two bundled samples, BTC/USDT and ETH/BTC', () => {
    expect(marketsFrom([], []).map((m) => m.symbol)).toEqual(['BTC/USDT', 'ETH/BTC']);
    expect(bundledMarkets()[1]!.feed).toMatch(/ETH-BTC_1m_sample\.csv@10$/);
  });

  it('refuses unpaired or repeated symbols, saying how to pair them', () => {
    expect(() => marketsFrom(['replay:a.csv', 'replay:b.csv'], ['BTC/USDT'])).toThrow('2 --feed and 1 --symbol given; give them in pairs');
    expect(() => marketsFrom(['replay:a.csv', 'replay:b.csv'], ['BTC/USDT', 'BTC/USDT'])).toThrow('--symbol BTC/USDT is given twice');
    expect(() => marketsFrom([], ['BTC/USDT', 'ETH/BTC'])).toThrow('give each --symbol its --feed');
  });

  it('a runtime on the bundled markets quotes both on the paper account, valued in the first one’s quote asset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-markets-'));
    dirs.push(dataDir);
    const rt = await createRuntime({ dataDir, secrets: new MemorySecretStore(), reconcile: { intervalMs: 0 }, markets: bundledMarkets(1000) });
    try {
      const symbols = (await rt.api.call('instruments.list', { account: 'paper' }, ctx)).map((i) => i.symbol);
      expect(symbols).toEqual(['BTC/USDT', 'ETH/BTC']);
      const eth = (await rt.api.call('instruments.list', { account: 'paper' }, ctx)).find((i) => i.symbol === 'ETH/BTC')!;
      expect(eth).toMatchObject({ base: 'ETH', quote: 'BTC', price_increment: '0.00000001' });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await rt.api.call('market.ticker', { account: 'paper', symbol: 'ETH/BTC' }, ctx)).last === null) await new Promise((r) => setTimeout(r, 20));
      expect(Number((await rt.api.call('market.ticker', { account: 'paper', symbol: 'ETH/BTC' }, ctx)).last)).toBeGreaterThan(0);
      expect((await rt.api.call('portfolio.get', {}, ctx)).quote_asset).toBe('USDT');
    } finally {
      await rt.close();
    }
  });
});
