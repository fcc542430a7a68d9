import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { type UnhandledKind, unhandledErrorCounts } from '../process-guard.js';

interface RouteSeries {
  count: Counter.Internal;
  duration: Histogram.Internal<'method' | 'route' | 'status'>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * How often the event-loop lag is sampled. prom-client's default (10 ms) is a
 * timer waking the loop 100 times a second for as long as the server runs:
 * ~8 ms of CPU a second on an idle server here, and at 200 orders/s as much
 * per order as the gateway's own work. A stall still shows in full (it
 * delays whichever sample is due), so a coarser sampling loses no stall.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** A Prometheus name for an engine stat: "orders.open" → "tern_orders_open". */
export function engineStatName(key: string): string | null {
  let name = key.replace(/[^a-zA-Z0-9_:]/g, '_');
  if (!name.startsWith('tern_')) name = `tern_${name}`;
  return METRIC_NAME.test(name) ? name : null;
}

/**
 * The /metrics registry: default process metrics, HTTP requests by route and
 * status, WebSocket connections, and the engine's own gauges (read at scrape
 * time). One registry per server, so several servers (tests) never collide.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly wsConnections: Gauge;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  private readonly series = new Map<string, RouteSeries>();
  private readonly engineGauges = new Map<string, Gauge>();

  constructor(private readonly engine: EngineApi) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.requests = new Counter({ name: 'tern_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.durations = new Histogram({
      name: 'tern_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.wsConnections = new Gauge({ name: 'tern_ws_connections', help: 'open WebSocket connections', registers: [this.registry] });
    // the process guard counts for the whole process; each registry adds what it has not shown yet
    const shown: Record<UnhandledKind, number> = { rejection: 0, exception: 0 };
    new Counter({
      name: 'tern_unhandled_errors_total',
      help: 'promise rejections and exceptions no code handled (bugs the process guard kept from stopping the engine)',
      labelNames: ['kind'],
      registers: [this.registry],
      collect() {
        const now = unhandledErrorCounts();
        for (const kind of ['rejection', 'exception'] as const) {
          this.inc({ kind }, now[kind] - shown[kind]);
          shown[kind] = now[kind];
        }
      },
    });
  }

  /** `route` is the route pattern ("/api/v1/orders/:id"), never the raw URL, to keep label sets bounded. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let s = this.series.get(key);
    if (s === undefined) {
      const labels = { method, route, status: String(status) };
      s = { count: this.requests.labels(labels), duration: this.durations.labels(labels) };
      this.series.set(key, s);
    }
    s.count.inc();
    s.duration.observe(seconds);
  }

  async render(): Promise<string> {
    this.refreshEngineGauges();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private refreshEngineGauges(): void {
    const stats = this.engine.stats();
    for (const [key, value] of Object.entries(stats)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let gauge = this.engineGauges.get(key);
      if (gauge === undefined) {
        const name = engineStatName(key);
        if (name === null || this.registry.getSingleMetric(name) !== undefined) continue;
        gauge = new Gauge({ name, help: `engine stat ${key}`, registers: [this.registry] });
        this.engineGauges.set(key, gauge);
      }
      gauge.set(value);
    }
  }
}
