// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { CallError } from '../../../src-renderer/client/call-error.js';
import { desktopShell } from '../../../src-renderer/client/shell.js';

afterEach(() => {
  delete (window as { tern?: unknown }).tern;
});

describe('desktopShell', () => {
  it('is null in a browser, and with a bridge that has no shell', () => {
    expect(desktopShell()).toBeNull();
    (window as { tern?: unknown }).tern = { call: async () => ({}), onEvent: () => () => {} };
    expect(desktopShell()).toBeNull();
  });

  it("calls the preload's shell, and turns its plain-object refusals into CallErrors", async () => {
    const status = { enabled: true, port: 7878, running: true, url: 'http://127.0.0.1:7878', error: null };
    (window as { tern?: unknown }).tern = {
      call: async () => ({}),
      onEvent: () => () => {},
      async shell(method: string) {
        if (method === 'api.status') return status;
        throw { code: 'BAD_REQUEST', message: 'port: 1024 to 65535', details: { field: 'port' } };
      },
    };
    const shell = desktopShell()!;
    await expect(shell('api.status', {})).resolves.toEqual(status);
    const err = await shell('api.setEnabled', { enabled: true, port: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', field: 'port' });
  });
});
