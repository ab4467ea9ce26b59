/**
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
 */
// https://www.tcpdump.org/linktypes.html
const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = [101, 228, 229];
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

function etherPayloadHash(d: Uint8Array, typeAt: number): number {
  let at = typeAt;
  for (let tags = 0; at + 2 <= d.length && tags < 4; tags++) {
    const type = (d[at] << 8) | d[at + 1];
    if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) return ipPairHash(d, at + 2);
    if (!ETHERTYPE_VLAN.includes(type)) return -1;
    at += 4;
  }
  return -1;
}

/**
 * addressPairHash returns a 32-bit hash of the unordered pair of the frame's outer IP addresses
 * (the same for both directions), or -1 when the frame has no IPv4/IPv6 header this peek can find.
 */
export function addressPairHash(linktype: number, data: Uint8Array): number {
  switch (linktype) {
    case LINKTYPE_ETHERNET:
      return etherPayloadHash(data, 12);
    case LINKTYPE_LINUX_SLL:
      return etherPayloadHash(data, 14);
    case LINKTYPE_LINUX_SLL2:
      // protocol type first, payload after the 20-byte header
      return data.length >= 20 && [ETHERTYPE_IPV4, ETHERTYPE_IPV6].includes((data[0] << 8) | data[1]) ? ipPairHash(data, 20) : -1;
    case LINKTYPE_NULL: // BSD loopback / NULL: a 4-byte family word in either byte order, then the IP header
      return ipPairHash(data, 4);
    default:
      // Raw IP; other link types are not sharded.
      return LINKTYPE_RAW.includes(linktype) ? ipPairHash(data, 0) : -1;
  }
}
