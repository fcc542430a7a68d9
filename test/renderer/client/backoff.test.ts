import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src-renderer/client/backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const mid = () => 0.5; // no jitter
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, 500, 10_000, mid))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('jitters by at most 20 %, never past the cap', () => {
    expect(backoffDelay(1, 500, 10_000, () => 0)).toBe(800);
    expect(backoffDelay(1, 500, 10_000, () => 0.9999)).toBe(1200);
    expect(backoffDelay(9, 500, 10_000, () => 0.9999)).toBe(10_000);
  });
});
