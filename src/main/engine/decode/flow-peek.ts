/**
 * Peeks at frames without dissecting them.
 *
 * addressPairHash: which "flow family" a frame belongs to, for sharding a capture across dissection
 * workers (src/main/cli/parallel.ts). Every piece of conversation state the dissectors keep — TCP
 * streams and reassembly, IP fragments, UDP/DNS transactions, ICMP echo pairs, SMTP/POP sessions — is
 * keyed by something that includes the two network addresses, so frames with the same unordered pair
 * of outer IP addresses can be dissected apart from all other frames and give the same results.
 *
 * This is a peek, not a dissector: it reads only the link header's network-layer offset and the first
 * IP header's two addresses, never builds fields, and returns -1 for anything it does not recognise
 * (ARP, other EtherTypes, damaged headers); callers send all those frames to one shard. It is
 * deterministic on the header layout, so all frames of one conversation land in the same shard.
 *
 * plainTcpPorts: the ports of a frame that is beyond doubt one plain TCP segment, for runs whose display
 * filter reads only `tcp.port` (src/main/cli/plan.ts): a frame whose ports fail it is never dissected.
 */
// https://www.tcpdump.org/linktypes.html
const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];

/** mix scrambles a 32-bit word (murmur3's finaliser). */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function word(d: Uint8Array, at: number): number {
  return ((d[at] << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) >>> 0;
}

/** ipPairHash hashes the unordered address pair of the IP header at `at` (by its version nibble), or -1. */
function ipPairHash(d: Uint8Array, at: number): number {
  if (at >= d.length) return -1;
  const version = d[at] >> 4;
  if (version === 4 && at + 20 <= d.length) return (mix(word(d, at + 12)) + mix(word(d, at + 16))) >>> 0;
  if (version === 6 && at + 40 <= d.length) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < 16; i += 4) {
      a = mix(a ^ word(d, at + 8 + i));
      b = mix(b ^ word(d, at + 24 + i));
    }
    return (a + b) >>> 0;
  }
  return -1;
}

/** etherIp is {@link ipAt} after an EtherType at `typeAt` (VLAN tags skipped). */
function etherIp(d: Uint8Array, typeAt: number): number {
  let at = typeAt;
  for (let tags = 0; at + 2 <= d.length && tags < 4; tags++) {
    const type = (d[at] << 8) | d[at + 1];
    if (type === ETHERTYPE_IPV4) return (at + 2) * 8 + 4;
    if (type === ETHERTYPE_IPV6) return (at + 2) * 8 + 6;
    if (!ETHERTYPE_VLAN.includes(type)) return -1;
    at += 4;
  }
  return -1;
}

/**
 * ipAt tells where a frame's outer IP header starts, packed with the IP version its link layer announces:
 * `at * 8 + version`, version 4 or 6 from an EtherType or the raw-IPv4/IPv6 link types, 0 where the header's
 * own version nibble decides (raw IP, BSD loopback); -1 when the link layer carries no IP this peek knows.
 */
function ipAt(linktype: number, data: Uint8Array): number {
  switch (linktype) {
    case LINKTYPE_ETHERNET:
      return etherIp(data, 12);
    case LINKTYPE_LINUX_SLL:
      return etherIp(data, 14);
    case LINKTYPE_LINUX_SLL2: {
      // protocol type first, payload after the 20-byte header
      const type = data.length >= 20 ? (data[0] << 8) | data[1] : -1;
      return type === ETHERTYPE_IPV4 ? 20 * 8 + 4 : type === ETHERTYPE_IPV6 ? 20 * 8 + 6 : -1;
    }
    case LINKTYPE_NULL: // BSD loopback / NULL: a 4-byte family word in either byte order, then the IP header
      return 4 * 8;
    case LINKTYPE_IPV4:
      return 4;
    case LINKTYPE_IPV6:
      return 6;
    default:
      // Raw IP (the version nibble decides); other link types are not peeked.
      return linktype === LINKTYPE_RAW ? 0 : -1;
  }
}

/**
 * addressPairHash returns a 32-bit hash of the unordered pair of the frame's outer IP addresses
 * (the same for both directions), or -1 when the frame has no IPv4/IPv6 header this peek can find.
 */
export function addressPairHash(linktype: number, data: Uint8Array): number {
  const found = ipAt(linktype, data);
  return found < 0 ? -1 : ipPairHash(data, found >> 3);
}

/** IP protocol number of TCP, and the bits of the IPv4 flags/fragment word that mark a fragment */
const IPPROTO_TCP = 6;
const FRAGMENT_BITS = 0x3fff;
const TCP_MIN_HEADER = 20;

/**
 * plainTcpPorts returns the source and destination ports of a frame that is, beyond doubt, one whole TCP
 * segment in an unfragmented IPv4 packet or an IPv6 packet without extension headers — captured in full,
 * header lengths sane, the IP version the one its link layer announces — as `src * 65536 + dst`; -1 for any
 * other frame (tunnels, fragments, ICMP errors quoting TCP, cut or damaged headers). A frame it answers
 * for decodes as exactly one TCP header with these ports, so a filter on `tcp.port` is decided here.
 */
export function plainTcpPorts(linktype: number, data: Uint8Array): number {
  // BSD loopback is left out: its family word has byte-order guesses only the dissector should make.
  const found = linktype === LINKTYPE_NULL ? -1 : ipAt(linktype, data);
  if (found < 0) return -1;
  const at = found >> 3;
  const announced = found & 7;
  if (at >= data.length || (announced !== 0 && data[at] >> 4 !== announced)) return -1;
  let tcpAt: number;
  let end: number;
  if (data[at] >> 4 === 4) {
    const headerLength = (data[at] & 0x0f) * 4;
    if (headerLength < 20 || at + 20 > data.length) return -1;
    if (data[at + 9] !== IPPROTO_TCP || (((data[at + 6] << 8) | data[at + 7]) & FRAGMENT_BITS) !== 0) return -1;
    tcpAt = at + headerLength;
    end = at + ((data[at + 2] << 8) | data[at + 3]);
  } else if (data[at] >> 4 === 6) {
    if (at + 40 > data.length || data[at + 6] !== IPPROTO_TCP) return -1;
    tcpAt = at + 40;
    end = tcpAt + ((data[at + 4] << 8) | data[at + 5]);
  } else return -1;
  if (end > data.length || tcpAt + TCP_MIN_HEADER > end) return -1;
  const dataOffset = (data[tcpAt + 12] >> 4) * 4;
  if (dataOffset < TCP_MIN_HEADER || tcpAt + dataOffset > end) return -1;
  return ((data[tcpAt] << 8) | data[tcpAt + 1]) * 65536 + ((data[tcpAt + 2] << 8) | data[tcpAt + 3]);
}
