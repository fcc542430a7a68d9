import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { PriceTimeQueue } from '../../../src-main/venues/sim/price-time-queue.js';

interface Item {
  id: string;
  price: number;
  seq: number;
}

const item = (id: string, price: number, seq: number): Item => ({ id, price, seq });

function queueOf(better: 'higher' | 'lower', items: Item[]): PriceTimeQueue<Item> {
  const q = new PriceTimeQueue<Item>(better);
  for (const i of items) q.insert(i, dec(i.price), i.seq);
  return q;
}

describe('PriceTimeQueue', () => {
  it('ranks the best price first and, at one price, the earliest', () => {
    const items = [item('a', 100, 1), item('b', 101, 2), item('c', 100, 3), item('d', 99, 4), item('e', 101, 5)];
    expect(queueOf('higher', items).items().map((i) => i.id)).toEqual(['b', 'e', 'a', 'c', 'd']);
    expect(queueOf('lower', items).items().map((i) => i.id)).toEqual(['d', 'a', 'c', 'b', 'e']);
  });

  it('walks from the best price only while the price reaches, and says how many it looked at', () => {
    const q = queueOf('higher', [item('a', 100, 1), item('b', 101, 2), item('c', 102, 3), item('d', 99, 4)]);
    let visits = 0;
    const taken = q.takeWhile((p) => p.gte(101), () => (visits += 1));
    expect(taken.map((i) => i.id)).toEqual(['c', 'b']);
    expect(visits).toBe(3);
  });

  it('removes an item by where it was filed even after the item changed, and re-files it on insert', () => {
    const a = item('a', 100, 1);
    const b = item('b', 101, 2);
    const q = queueOf('higher', [a, b]);
    a.price = 200; // mutated in place without telling the queue
    expect(q.remove(a)).toBe(true);
    expect(q.items()).toEqual([b]);
    expect(q.remove(a)).toBe(false);
    q.insert(a, dec(a.price), a.seq);
    q.insert(a, dec(50), 9); // a second insert moves it
    expect(q.items().map((i) => i.id)).toEqual(['b', 'a']);
    expect(q.size).toBe(2);
  });

  it('keeps the same order as sorting everything, over random inserts and removes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), price: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('walk' as const), bound: fc.integer({ min: 0, max: 21 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom<'higher' | 'lower'>('higher', 'lower'), fc.array(op, { maxLength: 80 }), (better, ops) => {
        const q = new PriceTimeQueue<Item>(better);
        const live: Item[] = [];
        const sign = better === 'higher' ? -1 : 1;
        const naive = () => [...live].sort((x, y) => sign * (x.price - y.price) || x.seq - y.seq);
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'insert') {
            const i = item(`i${++seq}`, o.price, seq);
            live.push(i);
            q.insert(i, dec(i.price), i.seq);
          } else if (o.kind === 'remove') {
            if (live.length === 0) continue;
            const [gone] = live.splice(o.pick % live.length, 1);
            expect(q.remove(gone!)).toBe(true);
          } else {
            const reaches = (p: number) => (better === 'higher' ? p >= o.bound : p <= o.bound);
            expect(q.takeWhile((p) => reaches(p.toNumber()))).toEqual(naive().filter((i) => reaches(i.price)));
          }
          expect(q.items()).toEqual(naive());
        }
      }),
      { numRuns: 200 },
    );
  });
});
