/**
 * A minimal stand-in for TCP, for the mail dissector unit tests: frames use link type 147 (USER0) with a
 * 6-byte header [src port u16][dst port u16][stream u16] followed by the segment payload. It hands the
 * payload to the `tcp.port` table (destination port first) with `ctx.tcp` set, and honours
 * `ctx.desegment` the way Wireshark's TCP does (the undissected tail is prepended to the next segment of
 * the same direction and dissected from a "Reassembled TCP" source). No sequence numbers, no loss.
 */
import { DissectionSession, type SessionOptions } from '../../../src/main/engine/decode/session';
import { decodeModules } from '../../../src/main/engine/decode/index';
import { dissectModules } from '../../../src/main/engine/dissect/index';
import type { FrameInput, ProtocolModule } from '../../../src/main/engine/decode/protocol';
import { ByteView } from '../../../src/main/engine/decode/view';
import type { DetailNode } from '../../../src/shared/model';
import { toDetailNodes } from '../../../src/main/engine/decode/detail';

const LINKTYPE = 147;

/** Segment is one test segment: who sends it and its bytes. */
export interface Segment {
  from: 'c' | 's';
  data: string | Uint8Array;
}

const pendingByTables = new WeakMap<object, Map<string, { bytes: Uint8Array; frames: number[] }>>();

const fakeTcp: ProtocolModule = {
  proto: { abbrev: 'faketcp', short: 'TCP', name: 'Fake TCP' },
  fields: [],
  handoff(tables) {
    tables.add('linktype', LINKTYPE, fakeTcp);
  },
  dissect(ctx, view) {
    ctx.layers.push('faketcp');
    const src = view.u16(0);
    const dst = view.u16(2);
    const stream = view.u16(4);
    ctx.ptype = 'tcp';
    ctx.srcPort = src;
    ctx.dstPort = dst;
    ctx.columns.protocol = 'TCP';
    ctx.columns.setInfo(`${src} → ${dst} Len=${view.length - 6}`);
    let pending = pendingByTables.get(ctx.tables);
    if (!pending) pendingByTables.set(ctx.tables, (pending = new Map()));
    const key = `${stream}:${src}`;
    let payload = view.sub(6);
    if (payload.length === 0) return view.length;
    const held = ctx.firstPass ? pending.get(key) : (ctx.getFrameData<{ bytes: Uint8Array }>('faketcp:held') ?? undefined);
    if (held) {
      const joined = new Uint8Array(held.bytes.length + payload.length);
      joined.set(held.bytes);
      joined.set(payload.rest(), held.bytes.length);
      const idx = ctx.addSource(`Reassembled TCP (${joined.length} bytes)`, joined);
      payload = new ByteView(joined, 0, joined.length, 'tcp', idx);
      if (ctx.firstPass) {
        ctx.setFrameData('faketcp:held', { bytes: held.bytes });
        pending.delete(key);
      }
    }
    ctx.tcp = { stream, seq: 1, nextSeq: 1 + payload.length, reassembled: held !== undefined };
    ctx.desegment = undefined;
    const port = ctx.tables.lookup('tcp.port', dst) ? dst : ctx.tables.lookup('tcp.port', src) ? src : undefined;
    let n = port !== undefined ? ctx.callTable('tcp.port', port, payload, null) : 0;
    if (n === 0 && port === undefined) n = ctx.callHeuristics('tcp', payload, null);
    const deseg = ctx.desegment as { offset: number } | undefined;
    if (deseg !== undefined && ctx.firstPass) {
      pending.set(key, { bytes: payload.rest(deseg.offset).slice(), frames: [ctx.frame.number] });
      if (deseg.offset === 0) {
        ctx.columns.protocol = 'TCP';
        ctx.columns.setInfo('[TCP segment of a reassembled PDU]');
      }
    } else if (deseg !== undefined && deseg.offset === 0) {
      ctx.columns.protocol = 'TCP';
      ctx.columns.setInfo('[TCP segment of a reassembled PDU]');
    }
    ctx.tcp = undefined;
    return view.length;
  },
};

/** MailCapture is a dissected sequence of segments. */
export interface MailCapture {
  session: DissectionSession;
  frames: FrameInput[];
  /** info/protocol of every frame from the first pass */
  rows: { protocol: string; info: string }[];
  detail(n: number): { nodes: DetailNode[]; sources: { name: string; bytes: Uint8Array }[]; protocol: string; info: string };
  fields(n: number, abbrev: string): unknown[];
}

/** dissectSegments builds frames from segments (client port 50000 → server port) and runs the first pass. */
export function dissectSegments(
  segments: readonly Segment[],
  options: { serverPort?: number; clientPort?: number; stream?: number; session?: SessionOptions; sessionObj?: DissectionSession } = {},
): MailCapture {
  const session = options.sessionObj ?? new DissectionSession([...decodeModules, fakeTcp, ...dissectModules], options.session);
  const server = options.serverPort ?? 25;
  const client = options.clientPort ?? 50000;
  const stream = options.stream ?? 0;
  const frames: FrameInput[] = segments.map((s, i) => {
    const body = typeof s.data === 'string' ? Uint8Array.from(Buffer.from(s.data, 'latin1')) : s.data;
    const data = new Uint8Array(6 + body.length);
    const [sp, dp] = s.from === 'c' ? [client, server] : [server, client];
    data.set([sp >> 8, sp & 255, dp >> 8, dp & 255, stream >> 8, stream & 255]);
    data.set(body, 6);
    return {
      number: i + 1, tsSec: 1_700_000_000 + i, tsNsec: 0, firstSec: 1_700_000_000, firstNsec: 0,
      prevSec: 1_700_000_000, prevNsec: 0, caplen: data.length, origLen: data.length, linktype: LINKTYPE,
      interfaceId: 0, data,
    };
  });
  const rows = frames.map((f) => {
    const r = session.dissect(f, { firstPass: true, mode: 'none' });
    return { protocol: r.columns.protocol, info: r.columns.info };
  });
  return {
    session,
    frames,
    rows,
    detail(n) {
      const r = session.dissect(frames[n - 1], { firstPass: false, mode: 'full' });
      return { nodes: toDetailNodes(r.tree), sources: r.sources, protocol: r.columns.protocol, info: r.columns.info };
    },
    fields(n, abbrev) {
      const r = session.dissect(frames[n - 1], { firstPass: false, mode: 'fields', interest: new Set([abbrev]) });
      return r.tree.get(abbrev).map((o) => o.value);
    },
  };
}

/** findNode returns the first node (depth-first) whose label starts with `prefix`. */
export function findNode(nodes: readonly DetailNode[], prefix: string): DetailNode | undefined {
  for (const n of nodes) {
    if (n.label.startsWith(prefix)) return n;
    const inner = n.children ? findNode(n.children, prefix) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** b64 encodes latin1 text as base64. */
export const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');
