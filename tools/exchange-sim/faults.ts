/**
 * Fault injection, set per test. REST faults match an endpoint ("POST /api/v3/order", a bare
 * path for any method, or nothing for every endpoint) and apply to the next `times` matching
 * requests (unlimited when omitted). WebSocket faults match a connection kind and a stream or
 * event name and apply to the next `times` messages (1 when omitted).
 */

export type RestFaultSpec =
  /** Adds delay before the request is handled (sums with other latency faults). */
  | { kind: 'latency'; ms: number }
  /**
   * Answers with this HTTP status instead of handling the request. Defaults by status: 429 and 418
   * carry Binance's -1003 body and a Retry-After header; 5xx a gateway's plain-text body.
   * With `process: true` the request IS handled (an order is placed) and the answer replaced.
   */
  | { kind: 'status'; status: number; retryAfter?: number; body?: string | Record<string, unknown>; process?: boolean }
  /** Never answers and never handles the request (the client times out). */
  | { kind: 'timeout' }
  /** Closes the connection without handling the request. */
  | { kind: 'reset' }
  /** Handles the request (the order exists on the sim!) but the answer is lost: the connection closes ('reset', default) or hangs ('hang'). */
  | { kind: 'drop-response'; mode?: 'reset' | 'hang' };

export type RestFault = RestFaultSpec & {
  endpoint?: string;
  times?: number;
  /** lets this many matching requests through first (a failure on the third page: `after: 2`) */
  after?: number;
  /** only requests carrying these query/body parameters (e.g. `{startTime: '1700000000000'}`) */
  params?: Record<string, string>;
};

export type WsTarget = 'market' | 'user' | 'all';

export interface WsFault {
  /** duplicate: the message goes out twice; reorder: it goes out after the next one; drop-message: it is lost. */
  kind: 'duplicate' | 'reorder' | 'drop-message';
  /** market streams, user data (listenKey streams and ws-api subscriptions), or both (default). */
  target?: WsTarget;
  /** Only messages whose stream (e.g. "btcusdt@depth") or event ("executionReport") contains this. */
  match?: string;
  times?: number;
}

interface Armed<T> {
  id: number;
  fault: T;
  remaining: number;
  /** matching requests still let through before the fault applies */
  skip: number;
}

export class Faults {
  private rest: Armed<RestFault>[] = [];
  private ws: Armed<WsFault>[] = [];
  private nextId = 1;

  addRest(fault: RestFault): number {
    const id = this.nextId++;
    this.rest.push({ id, fault, remaining: fault.times ?? Number.POSITIVE_INFINITY, skip: Math.max(0, fault.after ?? 0) });
    return id;
  }

  addWs(fault: WsFault): number {
    const id = this.nextId++;
    this.ws.push({ id, fault, remaining: fault.times ?? 1, skip: 0 });
    return id;
  }

  remove(id: number): void {
    this.rest = this.rest.filter((a) => a.id !== id);
    this.ws = this.ws.filter((a) => a.id !== id);
  }

  clear(): void {
    this.rest = [];
    this.ws = [];
  }

  list(): { rest: Array<RestFault & { id: number; remaining: number }>; ws: Array<WsFault & { id: number; remaining: number }> } {
    return {
      rest: this.rest.map((a) => ({ ...a.fault, id: a.id, remaining: a.remaining })),
      ws: this.ws.map((a) => ({ ...a.fault, id: a.id, remaining: a.remaining })),
    };
  }

  private static matches(endpoint: string | undefined, method: string, path: string): boolean {
    if (endpoint === undefined || endpoint === '*') return true;
    const space = endpoint.indexOf(' ');
    if (space < 0) return endpoint === path;
    return endpoint.slice(0, space).toUpperCase() === method && endpoint.slice(space + 1) === path;
  }

  /** Consumes the faults that apply to one request: total added latency and at most one outcome. */
  takeRest(method: string, path: string, params: Record<string, string> = {}): { latencyMs: number; outcome?: RestFault } {
    let latencyMs = 0;
    let outcome: RestFault | undefined;
    for (const a of this.rest) {
      if (a.remaining <= 0 || !Faults.matches(a.fault.endpoint, method, path)) continue;
      if (a.fault.params && Object.entries(a.fault.params).some(([k, v]) => params[k] !== String(v))) continue;
      if (a.skip > 0) {
        a.skip -= 1;
        continue;
      }
      if (a.fault.kind === 'latency') {
        latencyMs += a.fault.ms;
        a.remaining -= 1;
      } else if (!outcome) {
        outcome = a.fault;
        a.remaining -= 1;
      }
    }
    this.rest = this.rest.filter((a) => a.remaining > 0);
    return { latencyMs, outcome };
  }

  takeWs(target: 'market' | 'user', name: string): WsFault | undefined {
    for (const a of this.ws) {
      if (a.remaining <= 0) continue;
      const t = a.fault.target ?? 'all';
      if (t !== 'all' && t !== target) continue;
      if (a.fault.match !== undefined && !name.includes(a.fault.match)) continue;
      a.remaining -= 1;
      this.ws = this.ws.filter((x) => x.remaining > 0);
      return a.fault;
    }
    return undefined;
  }
}

export type RequestOutcome = number | 'timeout' | 'reset' | 'dropped' | 'hang';

export interface RequestRecord {
  seq: number;
  time: number;
  method: string;
  path: string;
  /** "METHOD /path" */
  endpoint: string;
  apiKey?: string;
  /** Query and body parameters (the signature left out). */
  params: Record<string, string>;
  /** HTTP status sent, or what the fault did instead. */
  outcome?: RequestOutcome;
}

const KEPT = 50_000;

/** Every request that reached the sim (faulted ones too), so tests can count what was sent. */
export class RequestLog {
  private records: RequestRecord[] = [];
  private counts = new Map<string, number>();
  private seq = 0;

  add(rec: Omit<RequestRecord, 'seq'>): RequestRecord {
    const full = { ...rec, seq: ++this.seq };
    this.records.push(full);
    if (this.records.length > KEPT) this.records.splice(0, this.records.length - KEPT);
    this.counts.set(rec.endpoint, (this.counts.get(rec.endpoint) ?? 0) + 1);
    return full;
  }

  /** Requests to one endpoint ("POST /api/v3/order", or a bare path for every method), or all. */
  count(endpoint?: string): number {
    if (endpoint === undefined) return [...this.counts.values()].reduce((a, b) => a + b, 0);
    if (endpoint.includes(' ')) return this.counts.get(endpoint) ?? 0;
    let n = 0;
    for (const [k, v] of this.counts) if (k.slice(k.indexOf(' ') + 1) === endpoint) n += v;
    return n;
  }

  byEndpoint(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  list(endpoint?: string): RequestRecord[] {
    if (endpoint === undefined) return [...this.records];
    return this.records.filter((r) => (endpoint.includes(' ') ? r.endpoint === endpoint : r.path === endpoint));
  }

  /** How many order placements (POST order, POST order/cancelReplace) carried this newClientOrderId. */
  submissions(clientOrderId: string): number {
    return this.records.filter(
      (r) => (r.endpoint === 'POST /api/v3/order' || r.endpoint === 'POST /api/v3/order/cancelReplace') && r.params['newClientOrderId'] === clientOrderId,
    ).length;
  }

  reset(): void {
    this.records = [];
    this.counts.clear();
  }
}
