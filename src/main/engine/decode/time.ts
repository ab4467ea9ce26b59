/**
 * Time arithmetic and formatting for frame timestamps. Timestamps are kept as (seconds, nanoseconds)
 * integers because a double cannot hold epoch nanoseconds; relative times are small and fit a double.
 */
import type { Timestamp } from '../../../shared/fields';

const NS_PER_S = 1_000_000_000;

/** subTime returns (a - b) in seconds as a double, computed from integer parts to keep precision. */
export function subTime(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec - bSec + (aNsec - bNsec) / NS_PER_S;
}

/** formatRelTime prints seconds with 9 decimals, as Wireshark prints relative times. */
export function formatRelTime(seconds: number): string {
  const negative = seconds < 0;
  const abs = Math.abs(seconds);
  let whole = Math.floor(abs);
  let nanos = Math.round((abs - whole) * NS_PER_S);
  if (nanos >= NS_PER_S) {
    whole += 1;
    nanos -= NS_PER_S;
  }
  return `${negative ? '-' : ''}${whole}.${String(nanos).padStart(9, '0')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * formatAbsTime prints Wireshark's absolute time, `Nov 26, 2026 16:53:03.123456789 UTC`, in UTC unless a
 * time zone offset (minutes east of UTC) and its name are given.
 */
export function formatAbsTime(ts: Timestamp, zone: { offsetMinutes: number; name: string } = { offsetMinutes: 0, name: 'UTC' }): string {
  const d = new Date((ts.sec + zone.offsetMinutes * 60) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())}, ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(ts.nsec).padStart(9, '0')} ${zone.name}`
  );
}

/** formatEpoch prints `seconds.nanoseconds` with 9 decimals. */
export function formatEpoch(ts: Timestamp): string {
  return `${ts.sec}.${String(ts.nsec).padStart(9, '0')}`;
}
