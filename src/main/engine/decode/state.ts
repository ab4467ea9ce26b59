/**
 * Small per-dissection flags shared between modules without widening the DissectCtx interface:
 * whether the layers being dissected are the packet quoted inside an ICMP/ICMPv6 error (Wireshark's
 * pinfo->flags.in_error_pkt), where transports skip stream bookkeeping and columns are not written.
 */
import type { DissectCtx } from './protocol';

const inError = new WeakSet<DissectCtx>();

/** inErrorPacket tells whether `ctx` is dissecting a packet quoted in an ICMP error. */
export function inErrorPacket(ctx: DissectCtx): boolean {
  return inError.has(ctx);
}

/**
 * dissectQuoted runs `fn` as the dissection of a quoted packet: columns, addresses and ports are
 * restored afterwards, and a truncation inside the quote (ICMP only quotes the first bytes) is
 * swallowed since the quoted packet is expected to be cut.
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
  const was = inError.has(ctx);
  inError.add(ctx);
  try {
    fn();
  } catch (err) {
    if (!(err instanceof Error) || (err.name !== 'TruncatedError' && err.name !== 'MalformedError')) throw err;
  } finally {
    if (!was) inError.delete(ctx);
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

const ttls = new WeakMap<DissectCtx, number>();

/** setIpTtl records the TTL / hop limit of the current IP header (ICMP echo Info shows it). */
export function setIpTtl(ctx: DissectCtx, ttl: number): void {
  ttls.set(ctx, ttl);
}

/** ipTtl returns the TTL / hop limit recorded by the network layer, if any. */
export function ipTtl(ctx: DissectCtx): number | undefined {
  return ttls.get(ctx);
}
