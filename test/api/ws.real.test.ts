// The same specification as ws.test.ts, against the real engine (SQLite store, paper venue, risk).
process.env.TERN_API_TEST_ENGINE = 'real';
await import('./ws.test.js');
