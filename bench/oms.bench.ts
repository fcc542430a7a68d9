/**
 * OMS throughput (orders placed → pre-trade checks → paper fill → journal
 * committed, sustained, many in flight) and in-process place → ack latency
 * (one order at a time; the ack is the resolved promise, after the commit).
 * Then the bytes allocated per order (oms_allocations: V8's sampling heap
 * profiler, objects collected since counted too), which does not depend on
 * how loaded the machine is: a cut in per-order garbage shows there when the
 * timings are too noisy to.
 */
import { Session } from 'node:inspector/promises';
import { availableParallelism } from 'node:os';
import { percentiles, emit } from './stats.js';
import { benchEngine, SYMBOL } from './engine-fixture.js';

const ctx = { actor: 'bench' };

async function throughput(total: number, inFlight: number) {
  const { engine, refreshBook, dispose } = await benchEngine();
  let placed = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  while (placed < total) {
    refreshBook();
    const batch = [];
    for (let i = 0; i < inFlight; i++, placed++) {
      batch.push(engine.call('orders.create', { symbol: SYMBOL, side: placed % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.1' }, ctx));
    }
    const orders = await Promise.all(batch);
    if (orders.some((o) => o.status !== 'filled')) throw new Error('an order did not fill');
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  dispose();
  // CPU time per order: what a shared, loaded machine disturbs less than the wall clock
  return { orders: total, seconds: Math.round(seconds * 1000) / 1000, orders_per_s: Math.round(total / seconds), cpu_us_per_order: +((cpu.user + cpu.system) / total).toFixed(1), cores: availableParallelism() };
}

async function latency(samples: number) {
  const { engine, refreshBook, dispose } = await benchEngine();
  const ns: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < samples + 2000; i++) {
    if (i === 2000) cpu0 = process.cpuUsage();
    if (i % 1000 === 0) refreshBook();
    const t0 = process.hrtime.bigint();
    await engine.call('orders.create', { symbol: SYMBOL, side: i % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.1' }, ctx);
    const dt = Number(process.hrtime.bigint() - t0);
    if (i >= 2000) ns.push(dt);
  }
  const cpu = process.cpuUsage(cpu0);
  dispose();
  return { samples, ...percentiles(ns), cpu_us_per_order: +((cpu.user + cpu.system) / samples).toFixed(1) };
}

async function allocations(total: number, inFlight: number) {
  const { engine, refreshBook, dispose } = await benchEngine();
  const place = async (n: number) => {
    for (let placed = 0; placed < n; ) {
      refreshBook();
      const batch = [];
      for (let i = 0; i < inFlight; i++, placed++) batch.push(engine.call('orders.create', { symbol: SYMBOL, side: placed % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.1' }, ctx));
      await Promise.all(batch);
    }
  };
  await place(2000);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await place(total);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  dispose();
  type Node = { selfSize: number; children: Node[] };
  const sum = (n: Node): number => n.children.reduce((s, c) => s + sum(c), n.selfSize);
  return { orders: total, in_flight: inFlight, bytes_per_order: Math.round(sum(profile.head as Node) / total) };
}

emit({ bench: 'oms_throughput', goal_orders_per_s: 50_000, ...(await throughput(100_000, 500)) });
emit({ bench: 'place_ack_latency', goal_p99_us: 200, ...(await latency(20_000)) });
emit({ bench: 'oms_allocations', ...(await allocations(10_000, 500)) });
