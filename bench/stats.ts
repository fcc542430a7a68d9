/** Percentiles of latency samples (ns → µs), for bench output. */
export function percentiles(samplesNs: number[]): { p50_us: number; p99_us: number; max_us: number } {
  const sorted = Float64Array.from(samplesNs).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { p50_us: round(at(0.5)), p99_us: round(at(0.99)), max_us: round(sorted[sorted.length - 1]! / 1000) };
}

export function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
