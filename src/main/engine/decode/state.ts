/**
 * Small per-dissection flags shared between modules without widening the DissectCtx interface:
 * whether the layers being dissected are the packet quoted inside an ICMP/ICMPv6 error (Wireshark's
 * pinfo->flags.in_error_pkt), where transports skip stream bookkeeping and columns are not written.
 */
import type { DissectCtx } from './protocol';
import { MalformedError, TruncatedError } from './view';

// The dissection currently inside an ICMP quote (nested quotes share it); see setIpTtl for why a slot.
let quotedCtx: DissectCtx | undefined;

/** inErrorPacket tells whether `ctx` is dissecting a packet quoted in an ICMP error. */
export function inErrorPacket(ctx: DissectCtx): boolean {
  return quotedCtx === ctx;
}

/**
 * dissectQuoted runs `fn` as the dissection of a quoted packet: columns, addresses and ports are
 * restored afterwards. A snaplen cut inside the quote propagates (tshark marks the frame); a quote
 * whose headers claim more than it holds is normal and ends the quote silently.
 */
export function dissectQuoted(ctx: DissectCtx, fn: () => void): void {
  const c = ctx.columns;
  const saved = {
    protocol: c.protocol,
    info: c.info,
    source: c.source,
    destination: c.destination,
    netSrc: ctx.netSrc,
    netDst: ctx.netDst,
    ptype: ctx.ptype,
    srcPort: ctx.srcPort,
    dstPort: ctx.dstPort,
  };
  const was = quotedCtx === ctx;
  quotedCtx = ctx;
  try {
    fn();
  } catch (err) {
    // A quote that is shorter than its headers claim is normal (RFC 792 quotes 8 payload bytes):
    // only a snaplen cut of the frame itself is reported, as tshark does.
    const snaplenCut = err instanceof TruncatedError && err.source === 'captured' && ctx.frame.caplen < ctx.frame.origLen;
    if (!snaplenCut && !(err instanceof TruncatedError) && !(err instanceof MalformedError)) throw err;
    if (snaplenCut) throw err;
  } finally {
    if (!was) quotedCtx = undefined;
    c.protocol = saved.protocol;
    c.info = saved.info;
    c.source = saved.source;
    c.destination = saved.destination;
    ctx.netSrc = saved.netSrc;
    ctx.netDst = saved.netDst;
    ctx.ptype = saved.ptype;
    ctx.srcPort = saved.srcPort;
    ctx.dstPort = saved.dstPort;
  }
}

// One slot, not a WeakMap: dissection is synchronous and one frame at a time, and a WeakMap entry
// per frame costs ~10% of the first pass in GC.
let ttlCtx: DissectCtx | undefined;
let ttlValue = 0;

/** setIpTtl records the TTL / hop limit of the current IP header (ICMP echo Info shows it). */
export function setIpTtl(ctx: DissectCtx, ttl: number): void {
  ttlCtx = ctx;
  ttlValue = ttl;
}

/** ipTtl returns the TTL / hop limit recorded by the network layer of this dissection, if any. */
export function ipTtl(ctx: DissectCtx): number | undefined {
  return ttlCtx === ctx ? ttlValue : undefined;
}
