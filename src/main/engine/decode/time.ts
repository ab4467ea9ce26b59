/**
 * Time arithmetic for frame timestamps. Timestamps are kept as (seconds, nanoseconds) integers because a
 * double cannot hold epoch nanoseconds; relative times are small and fit a double. The printing rules
 * live in src/shared/format.ts (re-exported here for the engine's convenience).
 */
import type { Timestamp } from '../../../shared/fields';
import { formatAbsTime, formatEpochTime, formatRelTime } from '../../../shared/format';

export { formatAbsTime, formatRelTime };

const NS_PER_S = 1_000_000_000;

/** subTime returns (a - b) in seconds as a double, computed from integer parts to keep precision. */
export function subTime(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec - bSec + (aNsec - bNsec) / NS_PER_S;
}

/** formatEpoch prints `seconds.nanoseconds` with 9 decimals. */
export function formatEpoch(ts: Timestamp): string {
  return formatEpochTime(ts);
}
