/**
 * Byte-fixture builders for the capture file tests. Every fixture in these tests is produced here, by
 * hand, field by field from the format specs (draft-ietf-opsawg-pcap §4–5, draft-ietf-opsawg-pcapng
 * §3–4), independently of `writer.ts`, so reader tests do not trust the writer and the writer tests can
 * compare against a second implementation. Both byte orders are supported for every structure.
 */

export type Endian = 'le' | 'be';

/** ByteSink appends integers and bytes in one byte order. */
export class ByteSink {
  private bytes: number[] = [];
  constructor(private readonly endian: Endian = 'le') {}
  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    const b = [value & 0xff, (value >>> 8) & 0xff];
    this.bytes.push(...(this.endian === 'le' ? b : b.reverse()));
    return this;
  }
  u32(value: number): this {
    const b = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    this.bytes.push(...(this.endian === 'le' ? b : b.reverse()));
    return this;
  }
  i64(value: bigint): this {
    const unsigned = BigInt.asUintN(64, value);
    const high = Number(unsigned >> 32n);
    const low = Number(unsigned & 0xffffffffn);
    return this.endian === 'le' ? this.u32(low).u32(high) : this.u32(high).u32(low);
  }
  raw(data: ArrayLike<number>): this {
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic packet bytes: `length` bytes counting up from `seed`. */
export function payload(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i) & 0xff;
  return out;
}

// ---- pcap ------------------------------------------------------------------------------------------

export interface PcapHeaderSpec {
  endian?: Endian;
  nanosecond?: boolean;
  versionMajor?: number;
  versionMinor?: number;
  snaplen?: number;
  /** the full 32-bit LinkType field (low 16 bits link type, upper bits FCS info) */
  linktype?: number;
  /** override the magic word entirely */
  magic?: number;
}

/** A pcap file header (24 bytes). */
export function pcapHeader(spec: PcapHeaderSpec = {}): Uint8Array {
  const sink = new ByteSink(spec.endian ?? 'le');
  sink.u32(spec.magic ?? (spec.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4));
  sink.u16(spec.versionMajor ?? 2).u16(spec.versionMinor ?? 4);
  sink.u32(0).u32(0); // thiszone, sigfigs
  sink.u32(spec.snaplen ?? 262144).u32(spec.linktype ?? 1);
  return sink.done();
}

export interface PcapRecordSpec {
  tsSec: number;
  /** µs or ns depending on the file's magic */
  tsFraction: number;
  data: Uint8Array;
  origLen?: number;
  /** override the caplen field (to build damaged records) */
  caplen?: number;
}

/** One pcap record: 16-byte header + data. */
export function pcapRecord(rec: PcapRecordSpec, endian: Endian = 'le'): Uint8Array {
  const sink = new ByteSink(endian);
  sink
    .u32(rec.tsSec)
    .u32(rec.tsFraction)
    .u32(rec.caplen ?? rec.data.length)
    .u32(rec.origLen ?? rec.data.length);
  return concat(sink.done(), rec.data);
}

export function pcapFile(header: PcapHeaderSpec, records: PcapRecordSpec[]): Uint8Array {
  return concat(pcapHeader(header), ...records.map((r) => pcapRecord(r, header.endian ?? 'le')));
}

// ---- pcapng ----------------------------------------------------------------------------------------

export interface OptionSpec {
  code: number;
  value: Uint8Array;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export function options(endian: Endian, list: OptionSpec[], endOfOptions = true): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  const sink = new ByteSink(endian);
  for (const o of list) sink.u16(o.code).u16(o.value.length).raw(o.value).pad4();
  if (endOfOptions) sink.u16(0).u16(0);
  return sink.done();
}

/** A generic block: type, total length, body (padded), total length. `lengths` overrides for damage. */
export function block(
  endian: Endian,
  type: number,
  body: Uint8Array,
  lengths?: { header?: number; trailer?: number },
): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const sink = new ByteSink(endian);
  sink
    .u32(type)
    .u32(lengths?.header ?? total)
    .raw(body);
  while (sink.length < 8 + padded) sink.u8(0);
  sink.u32(lengths?.trailer ?? total);
  return sink.done();
}

export function shb(
  endian: Endian,
  spec: { comment?: string; versionMajor?: number; magic?: number; extra?: OptionSpec[] } = {},
): Uint8Array {
  const body = new ByteSink(endian);
  body
    .u32(spec.magic ?? 0x1a2b3c4d)
    .u16(spec.versionMajor ?? 1)
    .u16(0)
    .i64(-1n);
  const opts: OptionSpec[] = [...(spec.extra ?? [])];
  if (spec.comment !== undefined) opts.push({ code: 1, value: text(spec.comment) });
  body.raw(options(endian, opts));
  return block(endian, 0x0a0d0d0a, body.done());
}

export interface IdbSpec {
  linktype?: number;
  snaplen?: number;
  name?: string;
  description?: string;
  /** raw if_tsresol byte */
  tsresol?: number;
  tsoffset?: bigint;
}

export function idb(endian: Endian, spec: IdbSpec = {}): Uint8Array {
  const body = new ByteSink(endian);
  body
    .u16(spec.linktype ?? 1)
    .u16(0)
    .u32(spec.snaplen ?? 0);
  const opts: OptionSpec[] = [];
  if (spec.name !== undefined) opts.push({ code: 2, value: text(spec.name) });
  if (spec.description !== undefined) opts.push({ code: 3, value: text(spec.description) });
  if (spec.tsresol !== undefined) opts.push({ code: 9, value: Uint8Array.of(spec.tsresol) });
  if (spec.tsoffset !== undefined)
    opts.push({ code: 14, value: new ByteSink(endian).i64(spec.tsoffset).done() });
  body.raw(options(endian, opts));
  return block(endian, 1, body.done());
}

export interface EpbSpec {
  interfaceId?: number;
  /** 64-bit tick count */
  ticks: bigint;
  data: Uint8Array;
  origLen?: number;
  caplen?: number;
  comments?: string[];
}

export function epb(
  endian: Endian,
  spec: EpbSpec,
  lengths?: { header?: number; trailer?: number },
): Uint8Array {
  const body = new ByteSink(endian);
  body
    .u32(spec.interfaceId ?? 0)
    .u32(Number(spec.ticks >> 32n))
    .u32(Number(spec.ticks & 0xffffffffn));
  body
    .u32(spec.caplen ?? spec.data.length)
    .u32(spec.origLen ?? spec.data.length)
    .raw(spec.data)
    .pad4();
  body.raw(
    options(
      endian,
      (spec.comments ?? []).map((c) => ({ code: 1, value: text(c) })),
    ),
  );
  return block(endian, 6, body.done(), lengths);
}

/** Obsolete Packet Block (type 2): 16-bit interface id, 16-bit drops count. */
export function packetBlock(endian: Endian, spec: EpbSpec): Uint8Array {
  const body = new ByteSink(endian);
  body
    .u16(spec.interfaceId ?? 0)
    .u16(0)
    .u32(Number(spec.ticks >> 32n))
    .u32(Number(spec.ticks & 0xffffffffn));
  body
    .u32(spec.data.length)
    .u32(spec.origLen ?? spec.data.length)
    .raw(spec.data)
    .pad4();
  return block(endian, 2, body.done());
}

export function spb(endian: Endian, origLen: number, data: Uint8Array): Uint8Array {
  return block(endian, 3, new ByteSink(endian).u32(origLen).raw(data).pad4().done());
}

/** Name Resolution Block with one IPv4 record (127.0.0.1 → localhost). */
export function nrb(endian: Endian): Uint8Array {
  const entry = concat(Uint8Array.of(127, 0, 0, 1), text('localhost\0'));
  const body = new ByteSink(endian).u16(1).u16(entry.length).raw(entry).pad4().u16(0).u16(0);
  return block(endian, 4, body.done());
}

/** Interface Statistics Block for interface 0 with no options. */
export function isb(endian: Endian): Uint8Array {
  return block(endian, 5, new ByteSink(endian).u32(0).u32(0).u32(0).done());
}

/** Decryption Secrets Block (type 0x0A) holding a few bytes of a TLS key log. */
export function dsb(endian: Endian): Uint8Array {
  const secrets = text('CLIENT_RANDOM 00 00\n');
  return block(
    endian,
    0x0000000a,
    new ByteSink(endian).u32(0x544c534b).u32(secrets.length).raw(secrets).pad4().done(),
  );
}

/** Custom Block (type 0x00000BAD) with a private enterprise number and some bytes. */
export function customBlock(endian: Endian): Uint8Array {
  return block(endian, 0x00000bad, new ByteSink(endian).u32(32473).raw(payload(10, 7)).done());
}

/** A block of an unassigned type with 16 bytes of body. */
export function unknownBlock(endian: Endian): Uint8Array {
  return block(endian, 0x7ffffff0, payload(16, 99));
}

/** Nanoseconds as a 9-digit fraction, the way tshark prints frame.time_epoch. */
export function epochText(tsSec: number, tsNsec: number): string {
  return `${tsSec}.${String(tsNsec).padStart(9, '0')}`;
}
