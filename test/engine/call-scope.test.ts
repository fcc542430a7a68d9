import { afterEach, describe, expect, it } from 'vitest';
import type { TestEngine } from '../helpers/api-harness.js';
import { fakeEngineFactory } from '../helpers/api-harness.js';
import { realEngineFactory } from '../helpers/real-engine-factory.js';

// The scope decision is the engine's, made once per call from the caller's key in the
// call context (looked up each call), whatever transport brought the call.
describe.each([
  ['real engine', realEngineFactory],
  ['fake engine', fakeEngineFactory],
])('a call with a key in its context (%s)', (_name, factory) => {
  let te: TestEngine;
  afterEach(async () => te?.close());

  function idOf(secret: string): string {
    const who = te.engine.authenticate(secret);
    if (!who) throw new Error('test key did not authenticate');
    return who.id;
  }

  it('is refused FORBIDDEN naming the scope when the key lacks it', async () => {
    te = await factory();
    const read = { actor: idOf(te.keys.read), keyId: idOf(te.keys.read) };
    await expect(te.engine.call('orders.list', {}, read)).resolves.toBeInstanceOf(Array);
    await expect(te.engine.call('keys.list', {}, read)).rejects.toMatchObject({ code: 'FORBIDDEN', details: { required_scope: 'admin' } });
    const trade = { actor: idOf(te.keys.trade), keyId: idOf(te.keys.trade) };
    await expect(te.engine.call('risk.setState', { state: 'HALTED', reason: 'x' }, trade)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'this needs an API key with the "admin" scope',
    });
  });

  it('is refused UNAUTHORIZED once the key is revoked, though the caller still holds its id', async () => {
    te = await factory();
    const id = idOf(te.keys.trade);
    const ctx = { actor: id, keyId: id };
    await expect(te.engine.call('orders.list', {}, ctx)).resolves.toBeInstanceOf(Array);
    await te.engine.call('keys.delete', { id }, { actor: 'test' });
    await expect(te.engine.call('orders.list', {}, ctx)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(te.engine.call('keys.list', {}, { actor: 'x', keyId: 'K-no-such-key' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('without a key (null) may call only public methods; an in-process caller (no keyId) is the owner', async () => {
    te = await factory();
    await expect(te.engine.call('health', {}, { actor: 'anonymous', keyId: null })).resolves.toMatchObject({ status: 'ok' });
    await expect(te.engine.call('orders.list', {}, { actor: 'anonymous', keyId: null })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(te.engine.call('keys.list', {}, { actor: 'ui' })).resolves.toBeInstanceOf(Array);
  });
});
