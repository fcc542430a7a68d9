import { describe, expect, it } from 'vitest';
import { grants } from '../../src-common/contract/scopes.js';

describe('the scope rule (read ⊂ trade ⊂ admin), one for every transport', () => {
  it('a key may do what its highest scope allows, and nothing above it', () => {
    expect(grants(['read'], 'read')).toBe(true);
    expect(grants(['read'], 'trade')).toBe(false);
    expect(grants(['trade'], 'read')).toBe(true);
    expect(grants(['trade'], 'admin')).toBe(false);
    expect(grants(['read', 'admin'], 'trade')).toBe(true);
  });

  it("'none' is open to anyone, even a principal without scopes; an unknown scope grants nothing", () => {
    expect(grants([], 'none')).toBe(true);
    expect(grants([], 'read')).toBe(false);
    expect(grants(['root'], 'read')).toBe(false);
  });
});
