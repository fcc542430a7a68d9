/**
 * Issue 15 (memory after 1,000,000 orders): every REST and WebSocket call is
 * bound to the drain (an answer, or the drain's 503 on stop). Racing each call
 * against one promise that stays pending for the whole session left a
 * reaction on it per call, each holding that call's answer: the process grew
 * with every order. An answered call is no longer held; the drain still
 * answers the calls in flight when it expires.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Drain } from '../../src-main/api/drain.js';
import { TernError } from '../../src-common/contract/errors.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return ref.deref() === undefined;
}

describe('Drain', () => {
  it('holds nothing of a call once it is answered', async () => {
    const drain = new Drain();
    /** an answered call, out of this test's reach: only a WeakRef to its answer is left */
    const answered = async (i: number): Promise<WeakRef<object>> => {
      const answer = { id: `O-${i}`, filler: 'x'.repeat(1000) };
      const got = await drain.bound(Promise.resolve(answer));
      if (got !== answer) throw new Error('not the call\'s answer');
      return new WeakRef(answer);
    };
    const refs = [await answered(1), await answered(2), await answered(3)];
    await expect(drain.bound(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await Promise.all(refs.map(collected))).toEqual([true, true, true]);
  });

  it('answers the calls still in flight with its 503 when it expires, and waits for them before that', async () => {
    const drain = new Drain();
    let finish!: (v: string) => void;
    const done = drain.bound(Promise.resolve('answered'));
    const slow = drain.bound(new Promise<string>((r) => (finish = r)));
    await expect(done).resolves.toBe('answered');
    let expired = false;
    drain.begin(20, () => (expired = true));
    let settled = false;
    void drain.settled().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 1));
    expect(settled).toBe(false);
    await expect(slow).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', details: { reason: 'stopping' } });
    expect(expired).toBe(true);
    expect(settled).toBe(true);
    // a call bound after the drain expired is answered 503 too
    await expect(drain.bound(new Promise(() => {}))).rejects.toBeInstanceOf(TernError);
    finish('late');
  });
});
