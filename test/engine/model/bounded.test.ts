import { describe, expect, it } from 'vitest';
import { keepNewest } from '../../../src-main/engine/model/bounded.js';

describe('keepNewest', () => {
  it('keeps the newest keys of a Map, oldest dropped first', () => {
    const m = new Map<string, number>();
    const trim = keepNewest(m, 3);
    for (let i = 0; i < 10; i++) {
      m.set(`k${i}`, i);
      trim();
    }
    expect([...m.keys()]).toEqual(['k7', 'k8', 'k9']);
  });

  it('counts a key set again where it was first set, as a Map does', () => {
    const m = new Map<string, number>();
    const trim = keepNewest(m, 2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3);
    m.set('c', 4);
    trim();
    expect([...m.entries()]).toEqual([
      ['b', 2],
      ['c', 4],
    ]);
  });

  it('copes with keys deleted elsewhere, re-added keys and clear()', () => {
    const s = new Set<number>();
    const trim = keepNewest(s, 3);
    for (let i = 0; i < 5; i++) s.add(i);
    trim();
    expect([...s]).toEqual([2, 3, 4]);
    s.delete(3);
    s.add(0);
    s.add(9);
    trim();
    expect([...s]).toEqual([4, 0, 9]);
    s.clear();
    for (let i = 10; i < 15; i++) {
      s.add(i);
      trim();
    }
    expect([...s]).toEqual([12, 13, 14]);
  });

  it('keeps the same newest keys as dropping keys().next() each time, over a long run', () => {
    const a = new Map<number, number>();
    const b = new Map<number, number>();
    const trim = keepNewest(b, 100);
    for (let i = 0; i < 20_000; i++) {
      const k = (i * 7919) % 5003;
      if (i % 3 === 0) {
        a.delete(k);
        b.delete(k);
      }
      a.set(k, i);
      b.set(k, i);
      while (a.size > 100) a.delete(a.keys().next().value!);
      trim();
    }
    expect([...b.entries()]).toEqual([...a.entries()]);
  });
});
