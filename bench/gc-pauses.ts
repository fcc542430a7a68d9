import { PerformanceObserver, constants } from 'node:perf_hooks';

export interface GcPauses {
  /** young-generation collections (scavenges): their count, total and longest pause in ms */
  minor: number;
  minor_ms: number;
  minor_max_ms: number;
  /** mark-compacts (and incremental marking steps): count, total, longest */
  major: number;
  major_ms: number;
  major_max_ms: number;
}

/**
 * The garbage collector's pauses in this process from now until `stop()`:
 * a pause on the path of an order is its latency, so a tail is told apart
 * from a slow path by these.
 */
export function watchGc(): { stop(): GcPauses } {
  const out: GcPauses = { minor: 0, minor_ms: 0, minor_max_ms: 0, major: 0, major_ms: 0, major_max_ms: 0 };
  const take = (entries: PerformanceEntry[]) => {
    for (const e of entries) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      const minor = kind === constants.NODE_PERFORMANCE_GC_MINOR;
      if (minor) {
        out.minor += 1;
        out.minor_ms += e.duration;
        out.minor_max_ms = Math.max(out.minor_max_ms, e.duration);
      } else {
        out.major += 1;
        out.major_ms += e.duration;
        out.major_max_ms = Math.max(out.major_max_ms, e.duration);
      }
    }
  };
  const obs = new PerformanceObserver((list) => take(list.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // entries are delivered after the fact: the ones not yet delivered count too
      take(obs.takeRecords());
      obs.disconnect();
      const r = (x: number) => Math.round(x * 100) / 100;
      return { ...out, minor_ms: r(out.minor_ms), minor_max_ms: r(out.minor_max_ms), major_ms: r(out.major_ms), major_max_ms: r(out.major_max_ms) };
    },
  };
}
