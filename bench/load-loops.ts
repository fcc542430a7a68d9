/**
 * The two load shapes of the REST benchmarks, for any `order` that sends one
 * request and answers its latency in ns from `due` (null when it failed).
 */
export type SendOrder = (due: bigint) => Promise<number | null>;

/** `connections` senders, each sending its next order as soon as the last is answered, for `seconds`: what the server sustains */
export async function closedLoop(order: SendOrder, connections: number, seconds: number) {
  const ns: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = await order(process.hrtime.bigint());
        if (t !== null) ns.push(t);
      }
    }),
  );
  return { ns, seconds: (performance.now() - started) / 1000 };
}

/** `rate` orders a second on a fixed schedule for `seconds`, whether or not earlier ones were answered: latency at that rate */
export async function openLoop(order: SendOrder, rate: number, seconds: number) {
  const total = rate * seconds;
  const ns: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = process.hrtime.bigint();
  const started = performance.now();
  await new Promise<void>((done) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      // each is due at its slot in the schedule, whenever this loop got to it
      for (; sent < due; sent++) pending.push(order(t0 + BigInt(Math.round((sent * 1e9) / rate))).then((t) => void (t !== null && ns.push(t))));
      if (sent < total) setTimeout(tick, 0);
      else done();
    };
    tick();
  });
  await Promise.all(pending);
  return { ns, seconds: (performance.now() - started) / 1000, total };
}
