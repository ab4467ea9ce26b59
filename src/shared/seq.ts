/**
 * Wrap-safe TCP sequence number arithmetic (RFC 9293 §3.4: sequence space is modulo 2^32, comparisons
 * are made within a half window). Sequence numbers are plain `number`s holding unsigned 32-bit values;
 * never compare two of them with `<`: 0xFFFFFFF0 is *before* 0x10 when the stream wrapped.
 *
 * `seqDiff(a, b)` is the signed distance from `a` to `b` ((b − a) mod 2^32 read as int32), as gopacket's
 * `Sequence.Difference` and smoltcp's `SeqNumber` subtraction. It is meaningful while the two numbers are
 * less than 2^31 apart, which TCP guarantees for data inside one window.
 *
 * Pure TypeScript (shared by engine and renderer).
 */

/** seqDiff returns the signed distance from `a` to `b` (positive when `b` is after `a`). */
export function seqDiff(a: number, b: number): number {
  return (b - a) | 0;
}

/** seqAdd returns `a + n` modulo 2^32 as an unsigned value. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** seqLt is true when `a` is strictly before `b`. */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** seqLe is true when `a` is before or equal to `b`. */
export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

/** seqGt is true when `a` is strictly after `b`. */
export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

/** seqGe is true when `a` is after or equal to `b`. */
export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

/** seqMax returns the later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return seqLt(a, b) ? b : a;
}

/** seqMin returns the earlier of two sequence numbers. */
export function seqMin(a: number, b: number): number {
  return seqLt(a, b) ? a : b;
}
