/** An order the kill switch cancels says so: its reason is "kill switch: <the reason given>". */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, SYMBOL, ctx, startHarness } from '../../helpers/engine-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose().catch(() => {});
  h = undefined;
});

describe('orders canceled by the kill switch', () => {
  it('carry the reason "kill switch: <reason>"; a cancel by hand keeps no reason', async () => {
    h = await startHarness({ checks: [] });
    const byHand = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price: '90' }, ctx);
    await h.engine.call('orders.cancel', { id: byHand.id }, ctx);
    const resting = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '95' }, ctx);

    await h.engine.call('risk.killSwitch', { reason: 'desk closed' }, ctx);

    expect(await h.engine.call('orders.get', { id: resting.id }, ctx)).toMatchObject({ status: 'canceled', reject_reason: 'kill switch: desk closed' });
    expect(await h.engine.call('orders.get', { id: byHand.id }, ctx)).toMatchObject({ status: 'canceled', reject_reason: null });
  });
});
