/**
 * Test plumbing for the local API: an engine under test (injectable, so the
 * same tests run against the fake and the real engine), a REST client over
 * `app.inject` that sends a valid Host header, and an engine wrapper that
 * makes one method fail.
 */
import type { FastifyInstance } from 'fastify';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { MethodName } from '../../src-common/contract/methods.js';
import { FakeEngine } from './fake-engine.js';

export interface TestEngine {
  engine: EngineApi;
  /** API keys of each scope, known to `engine` */
  keys: { read: string; trade: string; admin: string };
  close(): Promise<void>;
}

export type EngineFactory = () => Promise<TestEngine>;

export const fakeEngineFactory: EngineFactory = async () => {
  const fake = new FakeEngine();
  return { engine: fake, keys: { read: fake.addKey(['read']), trade: fake.addKey(['trade']), admin: fake.addKey(['admin']) }, close: async () => {} };
};

/** `engine`, except that `method` throws `error` (to test how the transport passes a refusal through). */
export function failingOn(engine: EngineApi, method: MethodName, error: unknown): EngineApi {
  return {
    call: (m, params, ctx) => (m === method ? Promise.reject(error) : engine.call(m, params, ctx)),
    answer: (m, params, ctx) => (m === method ? Promise.reject(error) : engine.answer(m, params, ctx)),
    subscribe: (listener) => engine.subscribe(listener),
    authenticate: (key) => engine.authenticate(key),
    keyPrincipal: (id) => engine.keyPrincipal(id),
    onKeyRevoked: (listener) => engine.onKeyRevoked(listener),
    stats: () => engine.stats(),
  };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  /** the parsed body; undefined when it is not JSON */
  json: any;
}

export interface RequestOptions {
  key?: string;
  /** an object or array is sent as JSON; a string is sent as it is */
  body?: unknown;
  headers?: Record<string, string>;
}

/** REST calls through `app.inject`, with the Host header the server expects. */
export class RestClient {
  constructor(
    private readonly app: FastifyInstance,
    private readonly host = '127.0.0.1:7878',
  ) {}

  async request(method: string, url: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { host: this.host, ...opts.headers };
    if (opts.key !== undefined) headers['authorization'] = `Bearer ${opts.key}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: res.body, json };
  }

  get = (url: string, opts?: RequestOptions) => this.request('GET', url, opts);
  post = (url: string, body: unknown, opts?: RequestOptions) => this.request('POST', url, { ...opts, body });
  patch = (url: string, body: unknown, opts?: RequestOptions) => this.request('PATCH', url, { ...opts, body });
  delete = (url: string, opts?: RequestOptions) => this.request('DELETE', url, opts);
}

/** Every error response has the protocol's shape and nothing else. */
export function isErrorBody(json: unknown): json is { error: { code: string; message: string; details?: Record<string, unknown> } } {
  if (typeof json !== 'object' || json === null) return false;
  const keys = Object.keys(json);
  const error = (json as { error?: unknown }).error as Record<string, unknown> | undefined;
  return (
    keys.length === 1 &&
    keys[0] === 'error' &&
    typeof error === 'object' &&
    error !== null &&
    typeof error['code'] === 'string' &&
    typeof error['message'] === 'string' &&
    Object.keys(error).every((k) => k === 'code' || k === 'message' || k === 'details')
  );
}
