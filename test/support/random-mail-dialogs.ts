/**
 * Random SMTP and POP3 dialogs for differential tests against tshark: a seeded generator of whole TCP
 * conversations (handshake, dialog, FIN) with consistent sequence numbers, many per capture. It draws
 * commands and replies the lab meets (EHLO with multi-line replies, MAIL/RCPT with good and bad
 * replies, DATA with a message, AUTH LOGIN/PLAIN, RSET/NOOP/VRFY/HELP, unknown commands, pipelined
 * commands and replies; POP3 USER/PASS/STAT/LIST/UIDL/RETR/TOP/DELE/NOOP/RSET), in either case, and cuts
 * SMTP lines across segments at random, or sends them one key per segment as telnet does. Two options
 * add what real captures hold (mailDialogs): TCP trouble (retransmissions, keep-alives, duplicate ACKs)
 * and telnet's quirks (negotiation bytes, bare LF, DEL, NUL, 8-bit bytes).
 *
 * It leaves out what docs/wireshark-differences.md lists as deliberate differences, so that any
 * mismatch is a bug: POP lines are never cut (tshark reads every segment as its own line), a RETR/TOP
 * body never shares the `+OK` segment and always follows a `+OK n octets`, message lines never start with a dot (dot-stuffing), a
 * dialog authenticates at most once (tshark keeps one AUTH state per conversation on its second pass),
 * no STARTTLS, BDAT or unknown SASL mechanism; a message is never cut in its final "\r\n.\r\n" (tshark
 * ends a message at a segment that starts with "\r\n.\r\n" without its last line end, and misses a "."
 * line cut from its line end), and pipelined commands are never cut (tshark reads the cut last line of
 * a segment as a line of its own; Wirelab does the same, but the message that can follow then starts
 * with an empty line, which tshark's IMF reads as part of a header name).
 */
import { labFrame, tcp, type PcapRecord } from './packets';

const SYN = 0x02;
const FIN = 0x01;
const PSH = 0x08;
const ACK = 0x10;

/** Line is one side's text: [from the client, text]. */
type Line = [boolean, string];

/** Rng is a small deterministic generator (an LCG: the same seed gives the same capture everywhere). */
class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (Math.imul(this.state, 1103515245) + 12345) & 0x7fffffff;
    return this.state / 0x7fffffff;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
}

const b64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64');

const MESSAGES = [
  'From: a@lab\r\nTo: b@lab\r\nSubject: test {i}\r\n\r\nhello\r\n',
  'Subject: s{i}\r\n\r\nline\r\nlast\r\n',
  'From: "Li Lei" <li@lab>\r\nSubject: =?UTF-8?B?5L2g5aW9?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody {i}\r\n',
  'From: a@lab\r\nSubject: multi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B{i}"\r\n\r\n--B{i}\r\nContent-Type: text/plain\r\n\r\npart one\r\n--B{i}\r\nContent-Type: application/octet-stream; name="a.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--B{i}--\r\n',
  'no headers at all\r\n',
];

function smtpDialog(r: Rng): Line[] {
  const cas = (s: string): string => (r.next() < 0.3 ? s.toLowerCase() : s);
  const d: Line[] = [[false, '220 lab.example ESMTP ready\r\n']];
  let authed = false;
  const n = 3 + r.int(8);
  for (let i = 0; i < n; i++) {
    const k = r.next();
    if (k < 0.1) {
      d.push([true, `${cas('EHLO')} client${i}\r\n`]);
      d.push([false, r.next() < 0.6 ? '250-lab.example\r\n250-PIPELINING\r\n250-AUTH LOGIN PLAIN\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n' : '250 lab.example\r\n']);
    } else if (k < 0.15) {
      d.push([true, `${cas('HELO')} c${i}\r\n`]);
      d.push([false, '250 lab.example\r\n']);
    } else if (k < 0.25) {
      d.push([true, `${cas('MAIL FROM')}:<u${i}@lab>\r\n`]);
      d.push([false, r.next() < 0.8 ? '250 2.1.0 Ok\r\n' : '501 5.1.7 Bad sender address syntax\r\n']);
    } else if (k < 0.35) {
      d.push([true, `${cas('RCPT TO')}:<r${i}@lab>\r\n`]);
      d.push([false, r.next() < 0.8 ? '250 2.1.5 Ok\r\n' : '554 5.7.1 <r@lab>: Relay access denied\r\n']);
    } else if (k < 0.47) {
      d.push([true, `${cas('DATA')}\r\n`]);
      d.push([false, '354 End data with <CR><LF>.<CR><LF>\r\n']);
      d.push([true, r.pick(MESSAGES).replaceAll('{i}', String(i)) + '.\r\n']);
      d.push([false, `250 2.0.0 Ok: queued as A${i}\r\n`]);
    } else if (k < 0.55) {
      // PIPELINING: the envelope in one segment, the replies in another.
      d.push([true, `MAIL FROM:<p${i}@lab>\r\nRCPT TO:<q${i}@lab>\r\n${cas('DATA')}\r\n`]);
      d.push([false, '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n']);
      d.push([true, `Subject: piped ${i}\r\n\r\nx\r\n.\r\n`]);
      d.push([false, `250 2.0.0 Ok: queued as P${i}\r\n`]);
    } else if (k < 0.6) {
      d.push([true, `${cas('RSET')}\r\n`]);
      d.push([false, '250 2.0.0 Ok\r\n']);
    } else if (k < 0.64) {
      d.push([true, `${cas('NOOP')}\r\n`]);
      d.push([false, '250 2.0.0 Ok\r\n']);
    } else if (k < 0.68) {
      d.push([true, `${cas('VRFY')} root\r\n`]);
      d.push([false, r.next() < 0.5 ? '252 2.0.0 root\r\n' : '550 5.1.1 <root>: Recipient address rejected\r\n']);
    } else if (k < 0.72) {
      d.push([true, `${cas('HELP')}\r\n`]);
      d.push([false, '214-Commands:\r\n214-  HELO EHLO MAIL RCPT DATA\r\n214 End of HELP info\r\n']);
    } else if (k < 0.82 && !authed) {
      authed = true;
      d.push([true, `${cas('AUTH LOGIN')}\r\n`]);
      d.push([false, '334 VXNlcm5hbWU6\r\n']);
      d.push([true, b64(`user${i}`) + '\r\n']);
      d.push([false, '334 UGFzc3dvcmQ6\r\n']);
      d.push([true, b64(`pass${i}`) + '\r\n']);
      d.push([false, r.next() < 0.7 ? '235 2.7.0 Authentication successful\r\n' : '535 5.7.8 Error: authentication failed\r\n']);
    } else if (k < 0.88 && !authed) {
      authed = true;
      if (r.next() < 0.5) {
        d.push([true, `${cas('AUTH PLAIN')} ${b64(`\0u${i}\0p${i}`)}\r\n`]);
      } else {
        d.push([true, `${cas('AUTH PLAIN')}\r\n`]);
        d.push([false, '334 \r\n']);
        d.push([true, b64(`\0u${i}\0p${i}`) + '\r\n']);
      }
      d.push([false, '235 2.7.0 Authentication successful\r\n']);
    } else {
      d.push([true, `XYZZY ${i}\r\n`]);
      d.push([false, '502 5.5.2 Error: command not recognized\r\n']);
    }
  }
  d.push([true, `${cas('QUIT')}\r\n`]);
  d.push([false, '221 2.0.0 Bye\r\n']);
  return d;
}

function popDialog(r: Rng): Line[] {
  const cas = (s: string): string => (r.next() < 0.3 ? s.toLowerCase() : s);
  const d: Line[] = [[false, '+OK Dovecot ready.\r\n']];
  d.push([true, `${cas('USER')} u\r\n`]);
  d.push([false, '+OK\r\n']);
  d.push([true, `${cas('PASS')} p\r\n`]);
  d.push([false, r.next() < 0.9 ? '+OK Logged in.\r\n' : '-ERR [AUTH] Authentication failed.\r\n']);
  const n = 2 + r.int(6);
  for (let i = 0; i < n; i++) {
    const k = r.next();
    if (k < 0.15) {
      d.push([true, `${cas('STAT')}\r\n`]);
      d.push([false, '+OK 2 320\r\n']);
    } else if (k < 0.27) {
      d.push([true, `${cas('LIST')}\r\n`]);
      d.push([false, '+OK 2 messages:\r\n1 120\r\n2 200\r\n.\r\n']);
    } else if (k < 0.35) {
      d.push([true, `${cas('UIDL')}\r\n`]);
      d.push([false, '+OK\r\n1 000000014ce5a1b0\r\n2 000000024ce5a1b0\r\n.\r\n']);
    } else if (k < 0.42) {
      d.push([true, `${cas('LIST')} 1\r\n`]);
      d.push([false, '+OK 1 120\r\n']);
    } else if (k < 0.6) {
      const message = `From: a@lab\r\nSubject: s${i}\r\n\r\nbody\r\n`;
      d.push([true, `${cas('RETR')} 1\r\n`]);
      d.push([false, `+OK ${message.length} octets\r\n`]);
      d.push([false, `${message}.\r\n`]);
    } else if (k < 0.66) {
      // With its length: a body after a bare "+OK" is framed differently on purpose.
      const headers = `From: b@lab\r\nSubject: top ${i}\r\n\r\n`;
      d.push([true, `${cas('TOP')} 2 0\r\n`]);
      d.push([false, `+OK ${headers.length} octets\r\n`]);
      d.push([false, `${headers}.\r\n`]);
    } else if (k < 0.72) {
      d.push([true, `${cas('DELE')} 1\r\n`]);
      d.push([false, '+OK Marked to be deleted.\r\n']);
    } else if (k < 0.8) {
      d.push([true, `${cas('NOOP')}\r\n`]);
      d.push([false, '+OK\r\n']);
    } else if (k < 0.88) {
      d.push([true, `${cas('RETR')} 9\r\n`]);
      d.push([false, "-ERR There's no message 9.\r\n"]);
    } else {
      d.push([true, `${cas('RSET')}\r\n`]);
      d.push([false, '+OK\r\n']);
    }
  }
  d.push([true, `${cas('QUIT')}\r\n`]);
  d.push([false, '+OK Logging out.\r\n']);
  return d;
}

const END_OF_MESSAGE = '\r\n.\r\n';

/** IAC DO SGA, IAC DO ECHO: what Linux telnet sends before the next command in character mode */
const TELNET_NEGOTIATION = '\xff\xfd\x03\xff\xfd\x01';

/**
 * quirk changes a client's text as a student's telnet may send it: telnet negotiation before a command,
 * a bare LF line end, a DEL or NUL typed into a command, 8-bit (invalid UTF-8) bytes in a message body.
 */
/**
 * withQuirks passes a dialog's client texts through {@link quirk}. A POP server refuses a command that
 * telnet's bytes or a DEL changed, with one `-ERR` instead of its replies (a RETR's body is not sent).
 */
function withQuirks(q: Rng, dialog: Line[], pop: boolean): Line[] {
  const out: Line[] = [];
  let refused = false;
  for (const [client, text] of dialog) {
    if (client) {
      const changed = quirk(q, text, pop);
      refused = pop && changed !== text && !changed.endsWith('\0\r\n');
      out.push([true, changed]);
      if (refused) out.push([false, '-ERR Unknown command.\r\n']);
    } else if (!refused) out.push([false, text]);
  }
  return out;
}

function quirk(q: Rng, text: string, pop: boolean): string {
  const k = q.next();
  if (text.endsWith(END_OF_MESSAGE)) {
    // A body line with Latin-1 bytes (é, ü) and a lone 0xff.
    return k < 0.5 ? text.replace(/\r\n\r\n/, '\r\n\r\ncaf\xe9 \xfcber \xff\r\n') : text;
  }
  if (text.indexOf('\n') < text.length - 1) return text; // pipelined commands stay as they are
  if (k < 0.2) return TELNET_NEGOTIATION + text;
  if (k < 0.35 && !pop) return text.replace(/\r\n$/, '\n');
  if (k < 0.45) return text.replace(/^(\S+)/, '$1\x7f');
  if (k < 0.5) return text.replace(/\r\n$/, '\0\r\n');
  return text;
}

/** pipelined tells commands sent together (more than one line, and no message). */
function pipelined(text: string): boolean {
  return text.indexOf('\n') < text.length - 1 && !text.endsWith(END_OF_MESSAGE);
}

/**
 * mailDialogs makes `streams` random SMTP (port 25) and POP3 (port 110) conversations from `seed`, one
 * after another, as pcap records. With `perturb`, TCP trouble is mixed in from a second generator (the
 * dialogs stay those of `seed`): a segment sent again at once (a one-byte one is then a keep-alive), the
 * other side's last data segment sent again (spurious, or a fast retransmission after duplicate ACKs),
 * duplicate ACKs, and a window update followed by a keep-alive.
 */
export function mailDialogs(seed: number, streams: number, perturb = false, quirks = false): PcapRecord[] {
  const r = new Rng(seed);
  // Separate generators for the perturbations and quirks, so that the dialogs themselves stay those of `seed`.
  const p = new Rng(seed ^ 0x5eed);
  const q = new Rng(seed ^ 0x7e1e);
  const records: PcapRecord[] = [];
  /** time since the first frame, in whole microseconds (a float sum could round to a full second) */
  let us = 0;
  for (let s = 0; s < streams; s++) {
    const pop = r.next() < 0.4;
    const serverPort = pop ? 110 : 25;
    const clientPort = 41000 + s;
    const dialog = pop ? popDialog(r) : smtpDialog(r);
    let clientSeq = (1000 + s * 7919) >>> 0;
    let serverSeq = (5000 + s * 104729) >>> 0;
    const push = (data: Uint8Array): void => {
      us += 1000;
      records.push({ data, sec: 1_790_000_000 + Math.floor(us / 1e6), nsec: (us % 1e6) * 1000 });
    };
    /** the last data segment each side sent (client, server), for retransmissions */
    const sent: (Uint8Array | null)[] = [null, null];
    const segment = (client: boolean, flags: number, text: string): void => {
      const payload = Buffer.from(text, 'latin1');
      const seq = client ? clientSeq : serverSeq;
      const ack = client ? serverSeq : clientSeq;
      const data = labFrame(client, tcp(client ? clientPort : serverPort, client ? serverPort : clientPort, seq, ack, flags, payload, { window: 65000 }));
      push(data);
      const advance = payload.length + (flags & (SYN | FIN) ? 1 : 0);
      if (client) clientSeq = (clientSeq + advance) >>> 0;
      else serverSeq = (serverSeq + advance) >>> 0;
      if (!perturb || flags & (SYN | FIN)) return;
      if (payload.length > 0) sent[client ? 0 : 1] = data;
      const k = p.next();
      if (k < 0.06 && payload.length > 0) {
        // A retransmission of this segment at once (spurious), or of the other side's last one.
        push(data);
      } else if (k < 0.1 && sent[client ? 1 : 0]) {
        push(sent[client ? 1 : 0]!);
      } else if (k < 0.16) {
        // Duplicate ACKs from the peer.
        const peer = labFrame(!client, tcp(client ? serverPort : clientPort, client ? clientPort : serverPort, ack, client ? clientSeq : serverSeq, ACK, new Uint8Array(0), { window: 65000 }));
        push(peer);
        push(peer);
      } else if (k < 0.19) {
        // A window update, then a keep-alive (one byte before the next sequence number).
        const peerSeq = client ? serverSeq : clientSeq;
        const nextSeq = client ? clientSeq : serverSeq;
        push(labFrame(!client, tcp(client ? serverPort : clientPort, client ? clientPort : serverPort, peerSeq, nextSeq, ACK, new Uint8Array(0), { window: 65535 })));
        push(labFrame(client, tcp(client ? clientPort : serverPort, client ? serverPort : clientPort, (nextSeq - 1) >>> 0, peerSeq, ACK, new Uint8Array(0), { window: 65000 })));
      }
    };
    segment(true, SYN, '');
    segment(false, SYN | ACK, '');
    segment(true, ACK, '');
    for (const [client, text] of quirks ? withQuirks(q, dialog, pop) : dialog) {
      const how = r.next();
      if (client && !pop && how < 0.15) {
        for (const key of text) segment(true, PSH | ACK, key);
      } else if (!pop && how < 0.35 && text.length > 2 && !(client && pipelined(text))) {
        // A message is not cut in its last five bytes ("\r\n.\r\n"), and pipelined commands not at all:
        // see the header.
        const room = text.endsWith(END_OF_MESSAGE) ? text.length - 6 : text.length - 1;
        const cut = 1 + r.int(Math.max(1, room));
        segment(client, PSH | ACK, text.slice(0, cut));
        segment(client, PSH | ACK, text.slice(cut));
      } else {
        segment(client, PSH | ACK, text);
      }
      if (r.next() < 0.3) segment(!client, ACK, '');
    }
    segment(true, FIN | ACK, '');
    segment(false, FIN | ACK, '');
    segment(true, ACK, '');
  }
  return records;
}
