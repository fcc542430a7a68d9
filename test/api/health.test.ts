import { describe, expect, it, vi } from 'vitest';
import { createApiServer } from '../../src-main/api/server.js';
import { RestClient } from '../helpers/api-harness.js';
import { FakeEngine } from '../helpers/fake-engine.js';

describe('GET /health uptime', () => {
  it('keeps counting when the wall clock is set a day back', async () => {
    let offset = 0;
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const server = createApiServer({ engine: new FakeEngine(), version: 't', mode: 'paper', startedAt: Date.now() - 5_000, logger: false });
    try {
      offset = -86_400_000;
      const health = (await new RestClient(server.app).get('/health')).json;
      expect(health.uptime_ms).toBeGreaterThanOrEqual(5_000);
      expect(health.uptime_ms).toBeLessThan(86_400_000);
    } finally {
      vi.restoreAllMocks();
      await server.close();
    }
  });
});
