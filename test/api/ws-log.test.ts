/** What clients do on their sockets reaches the log as short, rate-limited lines: never a stack per frame. */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LogThrottle, shortError } from '../../src-main/api/log-throttle.js';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import { fakeEngineFactory } from '../helpers/api-harness.js';

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function oversizedFrame(url: string, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => ws.send('x'.repeat(bytes)));
    ws.on('error', () => {});
    ws.on('close', () => resolve());
  });
}

describe('WebSocket log noise', () => {
  it('logs oversized frames from unauthenticated sockets as a few short lines, then counts the rest', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const te = await fakeEngineFactory();
    server = createApiServer({ engine: te.engine, host: '127.0.0.1', port: 0, version: '1', logger, bodyLimit: 1024 });
    const { port } = await server.listen();
    const url = `ws://127.0.0.1:${port}/api/v1/ws`;
    for (let i = 0; i < 15; i++) await oversizedFrame(url, 4096);
    const wsLines = lines.filter((l) => l.includes('websocket'));
    expect(wsLines.length).toBeGreaterThan(0);
    expect(wsLines.length).toBeLessThanOrEqual(10);
    for (const line of wsLines) {
      expect(line).not.toMatch(/"stack"|\\n\s+at /);
      expect(line.length).toBeLessThan(400);
      expect(JSON.parse(line)).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', reason: 'Max payload size exceeded' });
    }
    expect(lines.join('').length).toBeLessThan(10 * 400);
  });
});

describe('LogThrottle', () => {
  it('writes at most N lines of a kind per window, and the next window’s first line says how many were left out', () => {
    const written: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const sink = { warn: (obj: Record<string, unknown>, msg: string) => void written.push({ obj, msg }), error: () => {} };
    let now = 0;
    const log = new LogThrottle(sink, { linesPerWindow: 2, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 5; i++) log.warn('frame', { i }, 'bad frame');
    log.warn('other', {}, 'another kind');
    expect(written.map((w) => w.obj)).toEqual([{ i: 0 }, { i: 1 }, {}]);
    now = 60_000;
    log.warn('frame', { i: 5 }, 'bad frame');
    expect(written.at(-1)!.obj).toEqual({ i: 5, suppressed: 3 });
  });

  it('shortError keeps the code and the first line only', () => {
    const err = Object.assign(new Error('first line\nsecond line'), { code: 'E_X' });
    expect(shortError(err)).toEqual({ code: 'E_X', reason: 'first line' });
  });
});
