/**
 * Tick-to-screen probe, off unless `localStorage["tern.diagnostics"] === "1"`
 * (the benchmarks turn it on). A component calls `noteTick` right after it
 * drew an event; the sample is taken in the next task, which runs after the
 * frame holding the change was painted.
 */
export type Probe = 'ticker' | 'chart';

const MAX_SAMPLES = 4_096;
const samples: Record<Probe, number[]> = { ticker: [], chart: [] };
let enabled = false;

try {
  enabled = typeof localStorage !== 'undefined' && localStorage.getItem('tern.diagnostics') === '1';
} catch {
  enabled = false;
}

if (enabled && typeof window !== 'undefined') {
  (window as unknown as { __ternDiagnostics: unknown }).__ternDiagnostics = {
    latency: () => ({ ticker: [...samples.ticker], chart: [...samples.chart] }),
    reset: () => {
      samples.ticker.length = 0;
      samples.chart.length = 0;
    },
  };
}

export function noteTick(probe: Probe, receivedAt: number): void {
  if (!enabled || !(receivedAt > 0)) return;
  setTimeout(() => {
    const list = samples[probe];
    list.push(performance.now() - receivedAt);
    if (list.length > MAX_SAMPLES) list.splice(0, list.length - MAX_SAMPLES);
  }, 0);
}
