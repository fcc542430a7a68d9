export interface Market {
  feed: string;
  symbol: string;
}

/**
 * The markets to serve, from the --feed and --symbol lists, paired in order. No --feed: the bundled
 * samples (one --symbol: the first sample replayed as that symbol, as before several markets).
 * A mistake throws, in words for the command line.
 */
export function marketsFrom(feeds: readonly string[], symbols: readonly string[], defaults: { bundled: readonly Market[]; symbol: string }): Market[] {
  if (feeds.length === 0) {
    if (symbols.length === 0) return [...defaults.bundled];
    if (symbols.length === 1) return [{ feed: defaults.bundled[0]!.feed, symbol: symbols[0]! }];
    throw new Error(`${symbols.length} --symbol given without --feed; give each --symbol its --feed`);
  }
  if (symbols.length === 0 && feeds.length === 1) return [{ feed: feeds[0]!, symbol: defaults.symbol }];
  if (symbols.length !== feeds.length) throw new Error(`${feeds.length} --feed and ${symbols.length} --symbol given; give them in pairs (--feed A --symbol X --feed B --symbol Y)`);
  const seen = new Set<string>();
  for (const s of symbols) {
    if (seen.has(s)) throw new Error(`--symbol ${s} is given twice; each --feed needs its own symbol`);
    seen.add(s);
  }
  return feeds.map((feed, i) => ({ feed, symbol: symbols[i]! }));
}
