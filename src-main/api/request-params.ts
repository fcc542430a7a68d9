import { TernError } from '../../src-common/contract/errors.js';

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * The raw params of a call: the query string for GET/DELETE, the JSON body for
 * POST/PATCH/PUT, merged with the path params. Parameters in the other place
 * are refused, not ignored: a DELETE /orders whose filter sat in an ignored
 * body would cancel every order.
 */
export function requestParams(method: HttpMethod, query: unknown, body: unknown, pathParams: unknown): Record<string, unknown> {
  let params: Record<string, unknown>;
  if (method === 'GET' || method === 'DELETE') {
    if (body !== undefined && !(isPlainObject(body) && !hasKeys(body))) {
      throw new TernError('BAD_REQUEST', `${method} takes its parameters in the query string, not in a body`, { field: 'body' });
    }
    params = isPlainObject(query) ? { ...query } : {};
  } else {
    if (isPlainObject(query) && hasKeys(query)) {
      throw new TernError('BAD_REQUEST', `${method} takes its parameters in a JSON body, not in the query string`, { field: Object.keys(query)[0] ?? 'query' });
    }
    if (body === undefined || body === null) params = {};
    else if (isPlainObject(body)) params = { ...body };
    else throw new TernError('BAD_REQUEST', 'request body must be a JSON object', { field: '' });
  }
  if (isPlainObject(pathParams)) {
    for (const key in pathParams) {
      const fromPath = pathParams[key];
      if (Object.hasOwn(params, key) && params[key] !== fromPath) {
        throw new TernError('BAD_REQUEST', `${key} is given by the path; leave it out of the ${method === 'GET' || method === 'DELETE' ? 'query' : 'body'} or make it equal`, { field: key });
      }
      params[key] = fromPath;
    }
  }
  return params;
}
