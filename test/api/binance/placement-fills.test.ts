/**
 * The gateway's FULL order responses take an order's fills from the engine's
 * fill events heard while its placement was in flight (issues 14 and 15: one
 * SQLite read per order less); when those do not add up to what the order
 * filled, the caller is told to read them from the journal.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import type { Fill, Order } from '../../../src-common/contract/schemas.js';
import { PlacementFills } from '../../../src-main/api/binance/placement-fills.js';

const order = (patch: Partial<Order>) => ({ id: 'O1', status: 'filled', filled_quantity: '1', ...patch }) as Order;
const fill = (id: string, orderId: string, quantity: string) => ({ id, order_id: orderId, quantity }) as Fill;

/** a fill event whose data says when it is read */
function fillEvent(f: Fill, reads: string[] = []): EngineEvent {
  return {
    kind: 'fills',
    channel: 'fills',
    get data() {
      reads.push(f.id);
      return f;
    },
  } as EngineEvent;
}

describe('PlacementFills', () => {
  it("answers an order's fills heard while it was placed, oldest first, other orders' apart", async () => {
    const p = new PlacementFills();
    const placed = await p.place(async () => {
      p.onEvent(fillEvent(fill('F1', 'O1', '0.4')));
      p.onEvent(fillEvent(fill('X1', 'O2', '5')));
      p.onEvent({ kind: 'orders', channel: 'orders', data: order({}) } as EngineEvent);
      p.onEvent(fillEvent(fill('F2', 'O1', '0.6')));
      return order({});
    });
    expect(placed.fills?.map((f) => f.id)).toEqual(['F1', 'F2']);
  });

  it('an order with nothing filled has no fills; one whose fills were not all heard asks for the journal (null)', async () => {
    const p = new PlacementFills();
    expect((await p.place(async () => order({ status: 'open', filled_quantity: '0' }))).fills).toEqual([]);
    // a placement retried with its client order id answers an order filled before: nothing was heard
    expect((await p.place(async () => order({}))).fills).toBeNull();
    expect(
      (
        await p.place(async () => {
          p.onEvent(fillEvent(fill('F1', 'O1', '0.4')));
          return order({});
        })
      ).fills,
    ).toBeNull();
  });

  it('reads no event while no placement is in flight, and forgets what it heard once none is', async () => {
    const p = new PlacementFills();
    const reads: string[] = [];
    p.onEvent(fillEvent(fill('early', 'O1', '1'), reads));
    expect(reads).toEqual([]);
    await p.place(async () => {
      p.onEvent(fillEvent(fill('F1', 'O1', '1'), reads));
      return order({ id: 'O9', status: 'open', filled_quantity: '0' });
    });
    // O1's fill was heard during O9's placement and dropped after it: O1 placed again (retried) reads the journal
    expect((await p.place(async () => order({}))).fills).toBeNull();
    expect(reads).toEqual(['F1']);
  });

  it('a placement that fails forgets nothing it should not keep and lets the next one note again', async () => {
    const p = new PlacementFills();
    await expect(
      p.place(async () => {
        p.onEvent(fillEvent(fill('F1', 'O1', '1')));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const placed = await p.place(async () => {
      p.onEvent(fillEvent(fill('F2', 'O2', '1')));
      return order({ id: 'O2' });
    });
    expect(placed.fills?.map((f) => f.id)).toEqual(['F2']);
  });
});
