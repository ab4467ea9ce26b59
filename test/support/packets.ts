/**
 * Hand-assembled packets for decode tests (built per the RFCs: Ethernet II, IPv4 RFC 791, IPv6 RFC 8200,
 * UDP RFC 768, ICMP RFC 792, ICMPv6 RFC 4443/4861, ARP RFC 826, DNS RFC 1035) and a minimal pcap
 * writer (libpcap savefile, microsecond or nanosecond magic, little-endian) so tests can run tshark on
 * exactly the bytes they dissect. Checksums are computed (RFC 1071) unless a test overrides them.
 */
import { writeFileSync } from 'node:fs';

/** bytes concatenates numbers and byte arrays. */
export function bytes(...parts: (number[] | Uint8Array | number)[]): Uint8Array {
  const flat: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') flat.push(p & 255);
    else for (const b of p) flat.push(b & 255);
  }
  return Uint8Array.from(flat);
}

/** hex parses `02:00:00:00:00:01` or `0200…` into bytes. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** u16 / u32 big-endian. */
export const u16 = (v: number): number[] => [(v >>> 8) & 255, v & 255];
export const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** ipv4 parses a dotted quad into 4 bytes. */
export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

/** ip6 parses an IPv6 address (with ::) into 16 bytes. */
export function ip6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

/** checksum is the RFC 1071 Internet checksum. */
export function checksum(data: Uint8Array | number[], initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (data.length & 1) sum += data[data.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** eth builds an Ethernet II frame. */
export function eth(dst: string, src: string, type: number, payload: Uint8Array): Uint8Array {
  return bytes(hex(dst), hex(src), u16(type), payload);
}

/** Ipv4Options override header fields of {@link ipv4}. */
export interface Ipv4Options {
  ttl?: number;
  id?: number;
  flagsFrag?: number;
  tos?: number;
  options?: number[];
  totalLength?: number;
  checksum?: number;
}

/** ipv4 builds an IPv4 packet with a correct header checksum. */
export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  const opts = o.options ?? [];
  const ihl = 5 + opts.length / 4;
  const header = bytes(
    0x40 | ihl,
    o.tos ?? 0,
    u16(o.totalLength ?? ihl * 4 + payload.length),
    u16(o.id ?? 0x1234),
    u16(o.flagsFrag ?? 0x4000),
    o.ttl ?? 64,
    proto,
    [0, 0],
    ip4(src),
    ip4(dst),
    opts,
  );
  const c = o.checksum ?? checksum(header);
  header[10] = c >> 8;
  header[11] = c & 255;
  return bytes(header, payload);
}

/** ipv6 builds an IPv6 packet. */
export function ipv6(src: string, dst: string, nxt: number, payload: Uint8Array, hlim = 64, flow = 0x12345): Uint8Array {
  return bytes(u32((6 << 28) | flow), u16(payload.length), nxt, hlim, ip6(src), ip6(dst), payload);
}

/** filled is `length` bytes of `byte` (a payload whose content does not matter). */
export function filled(length: number, byte: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

/** TcpHeaderOptions are the header fields tcp() otherwise fixes: window, urgent pointer, option bytes. */
export interface TcpHeaderOptions {
  /** default 65535 */
  window?: number;
  /** default 0 */
  urgent?: number;
  /** raw option bytes, a multiple of 4 long (default none) */
  options?: number[];
}

/** tcp builds a TCP segment (checksum 0; window 65535, no urgent pointer and no options unless given). */
export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, payload: Uint8Array, o: TcpHeaderOptions = {}): Uint8Array {
  const options = o.options ?? [];
  if (options.length % 4 !== 0) throw new Error(`TCP options must fill 32-bit words (${options.length} bytes)`);
  const offset = ((20 + options.length) / 4) << 4;
  return bytes(u16(sport), u16(dport), u32(seq >>> 0), u32(ack >>> 0), [offset, flags], u16(o.window ?? 65535), u16(0), u16(o.urgent ?? 0), options, payload);
}

/**
 * labFrame wraps an IP payload of protocol `proto` in the Ethernet/IPv4 frame of one direction of the
 * crafted conversations' address pair: 10.0.0.1 (the client) → 10.0.0.2, or back when `fromClient` is false.
 */
export function labFrame(fromClient: boolean, payload: Uint8Array, proto = 6): Uint8Array {
  return eth('000000000002', '000000000001', 0x0800, fromClient ? ipv4('10.0.0.1', '10.0.0.2', proto, payload) : ipv4('10.0.0.2', '10.0.0.1', proto, payload));
}

/** udp builds a UDP datagram (checksum 0 = none unless given). */
export function udp(sport: number, dport: number, payload: Uint8Array, sum = 0): Uint8Array {
  return bytes(u16(sport), u16(dport), u16(8 + payload.length), u16(sum), payload);
}

/** icmp builds an ICMP message with a correct checksum. */
export function icmp(type: number, code: number, rest: number[], payload: Uint8Array): Uint8Array {
  const m = bytes(type, code, [0, 0], rest, payload);
  const c = checksum(m);
  m[2] = c >> 8;
  m[3] = c & 255;
  return m;
}

/** icmp6 builds an ICMPv6 message with a correct pseudo-header checksum. */
export function icmp6(src: string, dst: string, type: number, code: number, body: Uint8Array): Uint8Array {
  const m = bytes(type, code, [0, 0], body);
  const pseudo = bytes(ip6(src), ip6(dst), u32(m.length), [0, 0, 0, 58]);
  const c = checksum(bytes(pseudo, m));
  m[2] = c >> 8;
  m[3] = c & 255;
  return m;
}

/** arp builds an Ethernet/IPv4 ARP packet. */
export function arp(op: number, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  return bytes(u16(1), u16(0x0800), 6, 4, u16(op), hex(sha), ip4(spa), hex(tha), ip4(tpa));
}

/** dnsName encodes a name as labels. */
export function dnsName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.').filter(Boolean)) out.push(label.length, ...[...label].map((c) => c.charCodeAt(0)));
  out.push(0);
  return out;
}

/** dnsQuery builds a standard A query. */
export function dnsQuery(id: number, name: string, type = 1): Uint8Array {
  return bytes(u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), dnsName(name), u16(type), u16(1));
}

/** dnsAResponse builds a response with one A answer using a compression pointer to the question. */
export function dnsAResponse(id: number, name: string, address: string, ttl = 300): Uint8Array {
  return bytes(u16(id), u16(0x8180), u16(1), u16(1), u16(0), u16(0), dnsName(name), u16(1), u16(1), [0xc0, 0x0c], u16(1), u16(1), u32(ttl), u16(4), ip4(address));
}

/** PcapRecord is one record for {@link writePcap}: bytes plus optional original length and time. */
export interface PcapRecord {
  data: Uint8Array;
  origLen?: number;
  sec?: number;
  nsec?: number;
}

/** writePcap writes a little-endian pcap file (µs or ns magic); times default to 1 s + 1 ms apart. */
export function writePcap(path: string, records: (PcapRecord | Uint8Array)[], linktype = 1, nsec = false): string {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(nsec ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linktype, 20);
  parts.push(header);
  records.forEach((r, i) => {
    const rec: PcapRecord = r instanceof Uint8Array ? { data: r } : r;
    const h = Buffer.alloc(16);
    const sec = rec.sec ?? 1_795_712_694 + i;
    const frac = rec.nsec ?? i * 1_000_000 + 123_000;
    h.writeUInt32LE(sec, 0);
    h.writeUInt32LE(nsec ? frac : Math.floor(frac / 1000), 4);
    h.writeUInt32LE(rec.data.length, 8);
    h.writeUInt32LE(rec.origLen ?? rec.data.length, 12);
    parts.push(h, Buffer.from(rec.data));
  });
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** MAC addresses used by the fixtures (locally administered, so no vendor name). */
export const MAC_A = '02:00:00:00:00:01';
export const MAC_B = '02:00:00:00:00:02';
