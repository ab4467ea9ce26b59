/**
 * Field model shared by the engine (dissectors, filter evaluation, CLI) and the renderer (filter bar
 * validation and completion, detail tree). Fields are *declared* in each protocol's dissector file in the
 * engine and registered once in a {@link FieldRegistry}; the renderer receives the same definitions as
 * plain data over the contract. Names follow Wireshark's filter abbreviations exactly (`tcp.srcport`,
 * `smtp.req.command`) so filters and `-e` field lists are interchangeable with tshark's.
 *
 * Pure TypeScript: no node:*, no DOM, no electron.
 */

/** FieldType is Wireshark's ftype, reduced to what our protocols use. Widths matter for filter errors. */
export type FieldType =
  | 'protocol'
  | 'none'
  | 'boolean'
  | 'uint8'
  | 'uint16'
  | 'uint24'
  | 'uint32'
  | 'uint64'
  | 'int32'
  | 'double'
  | 'string'
  | 'bytes'
  | 'ipv4'
  | 'ipv6'
  | 'ether'
  | 'abstime'
  | 'reltime'
  | 'framenum';

/** FieldBase is how integers are displayed (Wireshark's BASE_*). */
export type FieldBase = 'dec' | 'hex' | 'dec_hex' | 'hex_dec' | 'oct' | 'none';

/** Timestamp is an absolute time with nanosecond precision (a double cannot hold epoch nanoseconds). */
export interface Timestamp {
  sec: number;
  nsec: number;
}

/**
 * FieldValue is the runtime value of one field occurrence:
 * integers, framenum, reltime (seconds), double → number; uint64 may be bigint when beyond 2^53;
 * boolean → boolean; string → string; bytes, ether, ipv6 → Uint8Array; ipv4 → number (u32);
 * abstime → Timestamp; protocol / none → null (a protocol compares as the bytes it covers).
 */
export type FieldValue = number | bigint | boolean | string | Uint8Array | Timestamp | null;

/** FieldDef declares one field once; the detail tree, filters, completion and bytes highlight read it. */
export interface FieldDef {
  /** abbrev is the filter name, e.g. `smtp.req.command`; it starts with the protocol abbrev. */
  abbrev: string;
  /** name is the English label, e.g. `Command`. */
  name: string;
  type: FieldType;
  base?: FieldBase;
  /** values maps integer values to meanings (reply codes, TCP flags…); filters accept the names too. */
  values?: Readonly<Record<number, string>>;
  /** bitmask for flag fields within their containing integer. */
  bitmask?: number;
  /** true/false strings for booleans (Wireshark's tfs), default "Set"/"Not set". */
  tfs?: readonly [string, string];
  /** blurb is a one-line description used by completion and hover. */
  blurb?: string;
  /** deprecated: use this other field instead (the filter bar shows a warning). */
  deprecatedBy?: string;
  /**
   * id is the engine's dense number for the field object (Wireshark's hf_ index), given when a dissector
   * declares it; `fields`-mode trees test interest with it instead of hashing `abbrev`. Not part of the
   * field's meaning: two declarations of one abbrev have two ids.
   */
  id?: number;
}

/** ProtocolDef names a protocol: `{abbrev:'smtp', short:'SMTP', name:'Simple Mail Transfer Protocol'}`. */
export interface ProtocolDef {
  abbrev: string;
  short: string;
  name: string;
}

/** FieldRegistry holds every protocol and field once; it rejects duplicates and badly prefixed abbrevs. */
export class FieldRegistry {
  private readonly fields = new Map<string, FieldDef>();
  private readonly protocols = new Map<string, ProtocolDef>();

  /** registerProtocol adds a protocol and its implicit `protocol`-typed field. */
  registerProtocol(proto: ProtocolDef): FieldDef {
    if (this.protocols.has(proto.abbrev)) throw new Error(`duplicate protocol ${proto.abbrev}`);
    this.protocols.set(proto.abbrev, proto);
    const field: FieldDef = { abbrev: proto.abbrev, name: proto.name, type: 'protocol' };
    this.fields.set(proto.abbrev, field);
    return field;
  }

  /** registerFields adds fields of an already registered protocol. */
  registerFields(protoAbbrev: string, defs: readonly FieldDef[]): void {
    if (!this.protocols.has(protoAbbrev)) throw new Error(`unknown protocol ${protoAbbrev}`);
    for (const def of defs) {
      if (def.abbrev !== protoAbbrev && !def.abbrev.startsWith(protoAbbrev + '.')) {
        throw new Error(`field ${def.abbrev} is not prefixed by ${protoAbbrev}.`);
      }
      if (this.fields.has(def.abbrev)) throw new Error(`duplicate field ${def.abbrev}`);
      this.fields.set(def.abbrev, def);
    }
  }

  /** get returns a field or protocol definition by abbrev. */
  get(abbrev: string): FieldDef | undefined {
    return this.fields.get(abbrev);
  }

  /** protocol returns a protocol definition by abbrev. */
  protocol(abbrev: string): ProtocolDef | undefined {
    return this.protocols.get(abbrev);
  }

  /** all lists every field (protocols included), in registration order. */
  all(): FieldDef[] {
    return [...this.fields.values()];
  }

  /** allProtocols lists every protocol in registration order. */
  allProtocols(): ProtocolDef[] {
    return [...this.protocols.values()];
  }

  /** toJSON gives plain data for the contract (the renderer rebuilds a registry with fromJSON). */
  toJSON(): { protocols: ProtocolDef[]; fields: FieldDef[] } {
    return { protocols: this.allProtocols(), fields: this.all().filter((f) => f.type !== 'protocol') };
  }

  /** fromJSON rebuilds a registry from {@link toJSON} output. */
  static fromJSON(data: { protocols: ProtocolDef[]; fields: FieldDef[] }): FieldRegistry {
    const reg = new FieldRegistry();
    for (const p of data.protocols) reg.registerProtocol(p);
    const byProto = new Map<string, FieldDef[]>();
    for (const f of data.fields) {
      const proto = longestProtocolPrefix(reg, f.abbrev);
      if (!proto) throw new Error(`field ${f.abbrev} has no protocol`);
      let list = byProto.get(proto);
      if (!list) byProto.set(proto, (list = []));
      list.push(f);
    }
    for (const [proto, list] of byProto) reg.registerFields(proto, list);
    return reg;
  }
}

function longestProtocolPrefix(reg: FieldRegistry, abbrev: string): string | undefined {
  let name = abbrev;
  for (;;) {
    if (reg.protocol(name)) return name;
    const dot = name.lastIndexOf('.');
    if (dot < 0) return undefined;
    name = name.slice(0, dot);
  }
}

/** integerWidth gives the byte width and signedness of an integer field type, or undefined. */
export function integerWidth(type: FieldType): { bytes: number; signed: boolean } | undefined {
  switch (type) {
    case 'uint8':
      return { bytes: 1, signed: false };
    case 'uint16':
      return { bytes: 2, signed: false };
    case 'uint24':
      return { bytes: 3, signed: false };
    case 'uint32':
    case 'framenum':
      return { bytes: 4, signed: false };
    case 'uint64':
      return { bytes: 8, signed: false };
    case 'int32':
      return { bytes: 4, signed: true };
    default:
      return undefined;
  }
}
