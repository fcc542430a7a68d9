import { describe, expect, it } from 'vitest';
import { LoopbackGuard, assertLoopbackHost } from '../../src-main/api/loopback.js';
import { TernError } from '../../src-common/contract/errors.js';

describe('assertLoopbackHost', () => {
  it('accepts 127.0.0.1, localhost and ::1 (bracketed or not)', () => {
    expect(assertLoopbackHost('127.0.0.1')).toBe('127.0.0.1');
    expect(assertLoopbackHost('localhost')).toBe('localhost');
    expect(assertLoopbackHost('::1')).toBe('::1');
    expect(assertLoopbackHost('[::1]')).toBe('::1');
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.2', ''])('refuses %j with a message saying why', (host) => {
    let thrown: unknown;
    try {
      assertLoopbackHost(host);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TernError);
    expect((thrown as TernError).message).toMatch(/loopback/);
    expect((thrown as TernError).details?.field).toBe('host');
  });
});

describe('LoopbackGuard', () => {
  it('lets through the loopback names with the port, and no other Host', () => {
    const guard = new LoopbackGuard(7878);
    for (const host of ['127.0.0.1:7878', 'localhost:7878', '[::1]:7878', 'Localhost:7878']) expect(guard.refusal(host, undefined)).toBeNull();
    for (const host of [undefined, '', 'localhost', '127.0.0.1:7879', 'evil.example:7878', 'localhost.:7878', '127.0.0.1:7878.evil.example']) {
      expect(guard.refusal(host, undefined)?.code).toBe('FORBIDDEN');
    }
  });

  it("lets through no Origin or the server's own, and refuses any other", () => {
    const guard = new LoopbackGuard(7878);
    expect(guard.refusal('localhost:7878', 'http://localhost:7878')).toBeNull();
    expect(guard.refusal('localhost:7878', 'http://[::1]:7878')).toBeNull();
    for (const origin of ['null', 'https://localhost:7878', 'http://localhost:7879', 'http://evil.example']) {
      expect(guard.refusal('localhost:7878', origin)?.details?.rule).toBe('origin');
    }
  });

  it('follows the port the server actually got, and takes bare names only on port 80', () => {
    const guard = new LoopbackGuard(0);
    guard.setPort(51234);
    expect(guard.refusal('127.0.0.1:51234', undefined)).toBeNull();
    guard.setPort(80);
    expect(guard.refusal('localhost', 'http://localhost')).toBeNull();
    expect(guard.refusal('localhost:80', undefined)).toBeNull();
  });
});
