/**
 * Packet builders for synthetic captures (benchmarks, and tests that need exact hand-made frames):
 * Ethernet II + IPv4 + TCP/UDP with correct lengths and checksums, and a TCP conversation helper that
 * keeps sequence/ack numbers consistent in both directions (handshake, data, ACKs, FIN), so that tshark
 * and Wirelab both reassemble the streams as they would a real capture.
 */

/** ipv4 parses dotted quad into a u32. */
export function ipv4(text: string): number {
  const p = text.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

function checksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if ((end - start) & 1) sum += bytes[end - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const ETH = 14;
const IP = 20;
const TCP_HDR = 20;
const UDP_HDR = 8;

/** MAC addresses derived from an IPv4 address (02:00:a:b:c:d, locally administered). */
function macOf(ip: number, out: Uint8Array, at: number): void {
  out[at] = 0x02;
  out[at + 1] = 0x00;
  out[at + 2] = ip >>> 24;
  out[at + 3] = (ip >>> 16) & 255;
  out[at + 4] = (ip >>> 8) & 255;
  out[at + 5] = ip & 255;
}

let ipId = 1;

function ipHeader(frame: Uint8Array, src: number, dst: number, proto: number, payloadLen: number): void {
  const o = ETH;
  frame[o] = 0x45;
  const total = IP + payloadLen;
  frame[o + 2] = total >> 8;
  frame[o + 3] = total & 255;
  ipId = (ipId + 1) & 0xffff;
  frame[o + 4] = ipId >> 8;
  frame[o + 5] = ipId & 255;
  frame[o + 6] = 0x40; // DF
  frame[o + 8] = 64;
  frame[o + 9] = proto;
  for (let i = 0; i < 4; i++) {
    frame[o + 12 + i] = (src >>> (24 - 8 * i)) & 255;
    frame[o + 16 + i] = (dst >>> (24 - 8 * i)) & 255;
  }
  const c = checksum(frame, o, o + IP);
  frame[o + 10] = c >> 8;
  frame[o + 11] = c & 255;
}

function ethHeader(frame: Uint8Array, src: number, dst: number): void {
  macOf(dst, frame, 0);
  macOf(src, frame, 6);
  frame[12] = 0x08;
  frame[13] = 0x00;
}

function pseudoSum(src: number, dst: number, proto: number, len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
}

/** TCP flag bits. */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** tcpFrame builds an Ethernet/IPv4/TCP frame. */
export function tcpFrame(
  src: number,
  dst: number,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  payload: Uint8Array,
  window = 502,
): Uint8Array {
  const frame = new Uint8Array(ETH + IP + TCP_HDR + payload.length);
  ethHeader(frame, src, dst);
  ipHeader(frame, src, dst, 6, TCP_HDR + payload.length);
  const o = ETH + IP;
  frame[o] = sport >> 8;
  frame[o + 1] = sport & 255;
  frame[o + 2] = dport >> 8;
  frame[o + 3] = dport & 255;
  const dv = new DataView(frame.buffer);
  dv.setUint32(o + 4, seq >>> 0);
  dv.setUint32(o + 8, ack >>> 0);
  frame[o + 12] = (TCP_HDR / 4) << 4;
  frame[o + 13] = flags;
  frame[o + 14] = window >> 8;
  frame[o + 15] = window & 255;
  frame.set(payload, o + TCP_HDR);
  const c = checksum(frame, o, frame.length, pseudoSum(src, dst, 6, TCP_HDR + payload.length));
  frame[o + 16] = c >> 8;
  frame[o + 17] = c & 255;
  return frame;
}

/** udpFrame builds an Ethernet/IPv4/UDP frame. */
export function udpFrame(src: number, dst: number, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETH + IP + UDP_HDR + payload.length);
  ethHeader(frame, src, dst);
  ipHeader(frame, src, dst, 17, UDP_HDR + payload.length);
  const o = ETH + IP;
  const len = UDP_HDR + payload.length;
  frame[o] = sport >> 8;
  frame[o + 1] = sport & 255;
  frame[o + 2] = dport >> 8;
  frame[o + 3] = dport & 255;
  frame[o + 4] = len >> 8;
  frame[o + 5] = len & 255;
  frame.set(payload, o + UDP_HDR);
  const c = checksum(frame, o, frame.length, pseudoSum(src, dst, 17, len)) || 0xffff;
  frame[o + 6] = c >> 8;
  frame[o + 7] = c & 255;
  return frame;
}

/** Emit receives each built frame with its timestamp. */
export type Emit = (frame: Uint8Array, tsSec: number, tsNsec: number) => void;

/** Clock hands out increasing timestamps. */
export class Clock {
  sec: number;
  nsec = 0;
  constructor(startSec: number) {
    this.sec = startSec;
  }
  /** advance moves time forward by `micros` microseconds. */
  advance(micros: number): void {
    this.nsec += Math.round(micros * 1000);
    while (this.nsec >= 1e9) {
      this.nsec -= 1e9;
      this.sec++;
    }
  }
}

/** TcpConversation emits a consistent TCP conversation between a client and a server. */
export class TcpConversation {
  private cseq: number;
  private sseq: number;

  constructor(
    private readonly emit: Emit,
    private readonly clock: Clock,
    readonly client: number,
    readonly server: number,
    readonly cport: number,
    readonly sport: number,
    isn = 0x1000_0000,
  ) {
    this.cseq = isn >>> 0;
    this.sseq = (isn * 7 + 12345) >>> 0;
  }

  private out(fromClient: boolean, flags: number, payload: Uint8Array): void {
    this.clock.advance(fromClient ? 40 : 25);
    const f = fromClient
      ? tcpFrame(this.client, this.server, this.cport, this.sport, this.cseq, this.sseq, flags, payload)
      : tcpFrame(this.server, this.client, this.sport, this.cport, this.sseq, this.cseq, flags, payload);
    this.emit(f, this.clock.sec, this.clock.nsec);
    const advance = payload.length + (flags & (SYN | FIN) ? 1 : 0);
    if (fromClient) this.cseq = (this.cseq + advance) >>> 0;
    else this.sseq = (this.sseq + advance) >>> 0;
  }

  /** open performs the three-way handshake. */
  open(): void {
    this.out(true, SYN, new Uint8Array(0));
    this.cseq = (this.cseq - 1) >>> 0;
    this.out(false, SYN | ACK, new Uint8Array(0));
    this.cseq = (this.cseq + 1) >>> 0;
    this.out(true, ACK, new Uint8Array(0));
  }

  /** send sends bytes in segments of at most `mss`, the peer ACKing every `ackEvery` segments. */
  send(fromClient: boolean, bytes: Uint8Array, mss = 1448, ackEvery = 2): void {
    let segments = 0;
    for (let i = 0; i < bytes.length; i += mss) {
      this.out(fromClient, PSH | ACK, bytes.subarray(i, Math.min(bytes.length, i + mss)));
      if (++segments % ackEvery === 0) this.out(!fromClient, ACK, new Uint8Array(0));
    }
    if (segments % ackEvery !== 0) this.out(!fromClient, ACK, new Uint8Array(0));
  }

  /** type sends text one key per segment, each ACKed, as a student's telnet does. */
  type(text: string): void {
    for (const ch of text) {
      this.out(true, PSH | ACK, new TextEncoder().encode(ch === '\n' ? '\r\n' : ch));
      this.out(false, ACK, new Uint8Array(0));
    }
  }

  /** close performs FIN from the client, FIN from the server. */
  close(): void {
    this.out(true, FIN | ACK, new Uint8Array(0));
    this.out(false, FIN | ACK, new Uint8Array(0));
    this.out(true, ACK, new Uint8Array(0));
  }
}

/** dnsQuery builds a DNS query (and its response) payload for `name`. */
export function dnsPayloads(id: number, name: string, answer: number): [Uint8Array, Uint8Array] {
  const labels: number[] = [];
  for (const part of name.split('.')) {
    labels.push(part.length, ...new TextEncoder().encode(part));
  }
  labels.push(0);
  const question = [...labels, 0, 1, 0, 1];
  const query = Uint8Array.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...question]);
  const response = Uint8Array.from([
    id >> 8, id & 255, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
    ...question,
    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4,
    answer >>> 24, (answer >>> 16) & 255, (answer >>> 8) & 255, answer & 255,
  ]);
  return [query, response];
}
