/**
 * A cheap FrameFields for filter tests and benchmarks: occurrences are built from a plain object of
 * field values; protocol occurrences name the byte range they cover in source 0 (the frame bytes).
 */
import { integerWidth, type FieldRegistry, type FieldValue } from '../../src/shared/fields';
import type { FieldOccurrence, FrameFields } from '../../src/shared/model';

/** Span marks a protocol (or any field) occurrence by the bytes it covers instead of a value. */
export interface Span {
  span: readonly [number, number];
}

/** span builds a {@link Span}: `smtp: [span(54, 19)]`. */
export function span(start: number, length: number): Span {
  return { span: [start, length] };
}

/** FrameSpec lists each field's occurrences in tree order. */
export type FrameSpec = Record<string, ReadonlyArray<FieldValue | Span>>;

const IPV4_LENGTH = 4;
const ABSTIME_LENGTH = 8;

function isSpan(v: FieldValue | Span): v is Span {
  return typeof v === 'object' && v !== null && 'span' in v;
}

/** fakeFrame builds FrameFields from a spec; unknown abbrevs throw (a typo in a test is a bug). */
export function fakeFrame(registry: FieldRegistry, spec: FrameSpec, bytes: Uint8Array = new Uint8Array(0)): FrameFields {
  const map = new Map<string, FieldOccurrence[]>();
  let offset = 0;
  for (const [abbrev, values] of Object.entries(spec)) {
    const field = registry.get(abbrev);
    if (!field) throw new Error(`fakeFrame: unknown field ${abbrev}`);
    map.set(
      abbrev,
      values.map((v) => {
        if (isSpan(v)) return { field, value: null, src: 0, start: v.span[0], length: v.span[1] };
        let length = integerWidth(field.type)?.bytes ?? 1;
        if (typeof v === 'string') length = new TextEncoder().encode(v).length;
        else if (v instanceof Uint8Array) length = v.length;
        else if (field.type === 'ipv4') length = IPV4_LENGTH;
        else if (field.type === 'abstime') length = ABSTIME_LENGTH;
        const occ: FieldOccurrence = { field, value: v, src: 0, start: offset, length };
        offset += length;
        return occ;
      }),
    );
  }
  return {
    get: (abbrev) => map.get(abbrev),
    sourceBytes: (src) => {
      if (src !== 0) throw new Error(`fakeFrame: no data source ${src}`);
      return bytes;
    },
  };
}
