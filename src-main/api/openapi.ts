import { z } from 'zod';
import { ErrorObjectSchema } from '../../src-common/contract/errors.js';
import { METHODS, type MethodName, type MethodSpec } from '../../src-common/contract/methods.js';

/** The error body of every refusal, as a schema (documentation only: the server builds it from TernError). */
export const ErrorBodySchema = z.object({ error: ErrorObjectSchema });

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** The one conversion: what validates a request is what the document shows. */
export function paramsJsonSchema(spec: MethodSpec): JsonSchema {
  return z.toJSONSchema(spec.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}
export function resultJsonSchema(spec: MethodSpec): JsonSchema {
  return z.toJSONSchema(spec.result, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
}

/** "/api/v1/orders/:id" → "/api/v1/orders/{id}" */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorRef = { $ref: '#/components/responses/Error' };
const json = (schema: unknown) => ({ 'application/json': { schema } });

const RATE_HEADERS = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
  'X-RateLimit-Reset': { $ref: '#/components/headers/X-RateLimit-Reset' },
};

function scopeText(scope: MethodSpec['scope']): string {
  return scope === 'none' ? 'Public: no API key needed.' : `Needs an API key with the \`${scope}\` scope (read ⊂ trade ⊂ admin).`;
}

function operation(name: MethodName, spec: MethodSpec & { http: NonNullable<MethodSpec['http']> }) {
  const paramsSchema = paramsJsonSchema(spec);
  const pathNames = pathParamNames(spec.http.path);
  const props = paramsSchema.properties ?? {};
  const required = new Set(paramsSchema.required ?? []);
  const parameters: unknown[] = pathNames.map((p) => ({ name: p, in: 'path', required: true, schema: props[p] ?? { type: 'string' } }));
  let requestBody: unknown;
  const inQuery = spec.http.method === 'GET' || spec.http.method === 'DELETE';
  if (inQuery) {
    for (const [key, schema] of Object.entries(props)) {
      if (!pathNames.includes(key)) parameters.push({ name: key, in: 'query', required: required.has(key), schema });
    }
  } else {
    let body: unknown = ref(`${name}.params`);
    let bodyRequired = required.size > 0;
    if (pathNames.length > 0) {
      // the path carries these; the body holds the rest of the same schema
      const { $schema: _drop, required: _required, ...rest } = paramsSchema;
      const bodyRequiredKeys = (paramsSchema.required ?? []).filter((k) => !pathNames.includes(k));
      body = {
        ...rest,
        properties: Object.fromEntries(Object.entries(props).filter(([k]) => !pathNames.includes(k))),
        ...(bodyRequiredKeys.length > 0 ? { required: bodyRequiredKeys } : {}),
      };
      bodyRequired = bodyRequiredKeys.length > 0;
    }
    requestBody = { required: bodyRequired, content: json(body) };
  }
  const status = String(spec.http.status ?? 200);
  const responses: Record<string, unknown> = {
    [status]: { description: spec.summary, headers: spec.scope === 'none' ? undefined : RATE_HEADERS, content: json(ref(`${name}.result`)) },
    '400': errorRef,
    default: errorRef,
  };
  if (spec.scope !== 'none') Object.assign(responses, { '401': errorRef, '403': errorRef, '429': errorRef });
  if (name === 'orders.create') responses['200'] = { description: 'an order with this client_order_id already exists: it is returned and nothing is placed', content: json(ref(`${name}.result`)) };
  return {
    operationId: name,
    summary: spec.summary,
    description: `${scopeText(spec.scope)} Also callable over the WebSocket as \`{"op": "call", "method": "${name}"}\`.`,
    tags: [name.split('.')[0]],
    security: spec.scope === 'none' ? [] : [{ bearer: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody !== undefined ? { requestBody } : {}),
    // drops the undefined `headers` of public operations
    responses: JSON.parse(JSON.stringify(responses)) as unknown,
  };
}

/**
 * The OpenAPI 3.1 document of the API, generated from METHODS: each method's
 * params and result schemas are stored once under components.schemas as
 * `<method>.params` / `<method>.result` (exactly z.toJSONSchema of the zod
 * schema), and every operation points at them.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = { Error: z.toJSONSchema(ErrorBodySchema) };
  for (const name of Object.keys(METHODS) as MethodName[]) {
    const spec: MethodSpec = METHODS[name];
    schemas[`${name}.params`] = paramsJsonSchema(spec);
    schemas[`${name}.result`] = resultJsonSchema(spec);
    if (!spec.http) continue;
    const http = spec.http;
    const path = openApiPath(http.path);
    (paths[path] ??= {})[http.method.toLowerCase()] = operation(name, { ...spec, http });
  }
  paths['/api/v1/openapi.json'] = {
    get: { operationId: 'openapi', summary: 'this document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) } } },
  };
  paths['/metrics'] = {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description: scopeText('read'),
      security: [{ bearer: [] }],
      responses: { '200': { description: 'Prometheus text format', headers: RATE_HEADERS, content: { 'text/plain': { schema: { type: 'string' } } } }, '401': errorRef, '403': errorRef, '429': errorRef },
    },
  };
  paths['/api/v1/ws'] = {
    get: {
      operationId: 'websocket',
      summary: 'WebSocket: events and calls',
      description:
        `${scopeText('read')} Upgrade to a WebSocket; authenticate with the Authorization header or a first message {"op": "auth", "key": "..."} ` +
        '(else the connection closes with 4401 after 5 s). Then {"op": "subscribe", "channels": [...]}, {"op": "unsubscribe", ...}, ' +
        '{"op": "call", "id": 7, "method": "orders.create", "params": {...}} → {"id": 7, "result": ...} or {"id": 7, "error": {...}}, {"op": "ping"}. ' +
        'Events: {"channel", "seq", "data"} with seq strictly increasing per connection. Replies to auth/subscribe/unsubscribe/ping: ' +
        '{"op": "authenticated" | "subscribed" | "unsubscribed" | "pong", ...}.',
      security: [{ bearer: [] }],
      responses: { '101': { description: 'switching protocols' }, '400': errorRef, '401': errorRef, '403': errorRef },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tern local API',
      version,
      description:
        'Loopback-only API of the Tern trading terminal. Decimals are JSON strings, times ISO 8601 UTC. Errors: {"error": {"code", "message", "details"}}. ' +
        'X-RateLimit-Reset is the number of seconds until the key\'s bucket is full again.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key; scopes read ⊂ trade ⊂ admin' } },
      responses: { Error: { description: 'a refusal (see the error codes of API.md)', content: json(ref('Error')) } },
      headers: {
        'X-RateLimit-Limit': { description: 'requests the key may make at once (bucket size)', schema: { type: 'integer' } },
        'X-RateLimit-Remaining': { description: 'requests left right now', schema: { type: 'integer' } },
        'X-RateLimit-Reset': { description: 'seconds until the bucket is full again', schema: { type: 'integer' } },
      },
    },
  };
}
