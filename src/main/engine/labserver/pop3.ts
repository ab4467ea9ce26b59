/**
 * Lab POP3 server: RFC 1939 (USER/PASS, APOP, STAT, LIST, UIDL, TOP, RETR, DELE, RSET, NOOP, QUIT) plus
 * RFC 2449 (CAPA, RESP-CODES such as `[IN-USE]`), written for students typing by hand over telnet.
 *
 * Invariants and choices:
 * - One state machine per connection: AUTHORIZATION → TRANSACTION → UPDATE (RFC 1939 §3). Deletions only
 *   become real in UPDATE, i.e. on QUIT from TRANSACTION; a dropped connection or an idle timeout never
 *   enters UPDATE. The mailbox is locked per account for the whole TRANSACTION state; a second login gets
 *   `-ERR [IN-USE]`. Message numbers refer to the snapshot taken at login (mail delivered later shows up
 *   in the next session).
 * - Input is a byte stream, not a sequence of segments: a command may arrive in one-byte TCP segments
 *   (Windows telnet) or several commands in one segment (pipelining, RFC 2449 §6.6); replies always go
 *   out in command order. Lines end with CRLF, a bare LF, or telnet's CR NUL (RFC 854 NVT). Telnet IAC
 *   negotiation (e.g. Linux telnet's `IAC DO SGA IAC DO ECHO` in character mode) is removed, and
 *   Backspace/DEL erase the previous character, because this server exists for people at a telnet
 *   prompt. A command line may be at most 255 octets including CRLF (RFC 2449 §4); longer lines are
 *   discarded up to their end and answered with `-ERR`.
 * - Keywords are case-insensitive; everything unknown or out of state gets `-ERR`.
 * - Multi-line replies are dot-stuffed (a line starting with "." gets another "." in front) and end with
 *   `.` CRLF; a stored message that does not end in CRLF gets one before the terminator. Octet counts of
 *   STAT/LIST are of the stored message before dot-stuffing (RFC 1939 §5 LIST note).
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { findAccountByLogin, LAB_DOMAIN, type LabAccount } from './accounts';
import type { MailboxStore, StoredMessage } from './mailbox';
import { assertLoopback } from './smtp';

/** LabPop3Options configures one lab POP3 listener. */
export interface LabPop3Options {
  /** host to bind: a loopback address (127.0.0.1 by default). */
  host?: string;
  /** port to bind, 1110 by default; 0 picks an ephemeral port. */
  port?: number;
  accounts: readonly LabAccount[];
  mailbox: MailboxStore;
  /** idle timeout in ms; RFC 1939 §3 asks for at least 10 minutes, which is the default. */
  idleTimeoutMs?: number;
  /** maximum command line length in octets including CRLF (RFC 2449: 255). */
  maxLineLength?: number;
}

/** Pop3State names the RFC 1939 session states. */
export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

/** LabPop3Server is a listening lab POP3 server. */
export interface LabPop3Server {
  readonly host: string;
  readonly port: number;
  /** connections currently open. */
  connectionCount(): number;
  /** accounts whose mailbox is locked by a session in TRANSACTION state. */
  lockedAccounts(): string[];
  close(): Promise<void>;
}

const CRLF = '\r\n';
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;

/** Telnet input filter states (kept across segments: an IAC sequence may be split anywhere). */
const enum TelnetState {
  Data,
  Iac,
  Option,
  Subnegotiation,
  SubnegotiationIac,
  AfterCr,
}

interface SessionMessage {
  number: number;
  stored: StoredMessage;
  deleted: boolean;
}

/**
 * dotStuff returns the multi-line body of a reply: every line that starts with "." gets one more
 * "." (RFC 1939 §3), the content is made to end in CRLF, and the `.` CRLF terminator is appended.
 */
export function dotStuff(content: Uint8Array): Buffer {
  let extra = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === 0x2e && (i === 0 || content[i - 1] === 0x0a)) extra++;
  }
  const endsWithCrlf = content.length >= 2 && content[content.length - 2] === 0x0d && content[content.length - 1] === 0x0a;
  const needsCrlf = content.length > 0 && !endsWithCrlf;
  const out = Buffer.allocUnsafe(content.length + extra + (needsCrlf ? 2 : 0) + 3);
  let o = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === 0x2e && (i === 0 || content[i - 1] === 0x0a)) out[o++] = 0x2e;
    out[o++] = content[i];
  }
  if (needsCrlf) {
    out[o++] = 0x0d;
    out[o++] = 0x0a;
  }
  out[o++] = 0x2e;
  out[o++] = 0x0d;
  out[o++] = 0x0a;
  return out;
}

/**
 * topOfMessage returns the header section, the empty line and the first `bodyLines` lines of the body
 * (RFC 1939 §7 TOP). A message without an empty line is all header.
 */
export function topOfMessage(content: Buffer, bodyLines: number): Buffer {
  let index = 0;
  let headerEnd = -1;
  // Find the first empty line: CRLF at the start or CRLF CRLF.
  if (content.length >= 2 && content[0] === 0x0d && content[1] === 0x0a) headerEnd = 2;
  else {
    const found = content.indexOf('\r\n\r\n');
    if (found >= 0) headerEnd = found + 4;
  }
  if (headerEnd < 0) return content;
  index = headerEnd;
  for (let line = 0; line < bodyLines && index < content.length; line++) {
    const lf = content.indexOf(0x0a, index);
    index = lf < 0 ? content.length : lf + 1;
  }
  return content.subarray(0, index);
}

let timestampCounter = 0;

class Pop3Session {
  state: Pop3State = 'AUTHORIZATION';
  private pendingUser: LabAccount | undefined;
  private pendingUserName: string | undefined;
  private account: LabAccount | undefined;
  private messages: SessionMessage[] = [];
  private lineBytes: number[] = [];
  private overflow = false;
  private telnet = TelnetState.Data;
  private closed = false;
  readonly timestamp: string;

  constructor(
    private readonly socket: net.Socket,
    private readonly server: Pop3ServerImpl,
  ) {
    timestampCounter = (timestampCounter + 1) % 1_000_000;
    this.timestamp = `<${process.pid}.${timestampCounter}.${Date.now()}@${LAB_DOMAIN}>`;
    socket.setNoDelay(true);
    socket.setTimeout(server.idleTimeoutMs);
    socket.on('timeout', () => {
      // RFC 1939 §3: an autologout timer closes the session without entering UPDATE.
      this.reply('-ERR autologout: idle for too long, deletions not committed');
      this.finish();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.finish());
    socket.on('close', () => this.finish());
    this.reply(`+OK Wirelab POP3 server ready ${this.timestamp}`);
  }

  private reply(line: string, body?: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    const head = Buffer.from(line + CRLF, 'utf8');
    this.socket.write(body === undefined ? head : Buffer.concat([head, body]));
  }

  /** finish releases the lock and closes the socket; idempotent. */
  finish(): void {
    if (this.account !== undefined) {
      this.server.unlock(this.account.user, this);
      this.account = undefined;
    }
    if (!this.closed) {
      this.closed = true;
      if (!this.socket.destroyed) this.socket.end();
      // A peer that never closes its side must not keep the descriptor forever.
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    }
    this.server.forget(this);
  }

  private onData(chunk: Buffer): void {
    for (let i = 0; i < chunk.length && !this.closed; i++) {
      const byte = chunk[i];
      switch (this.telnet) {
        case TelnetState.Iac:
          if (byte === IAC) {
            this.telnet = TelnetState.Data;
            this.pushByte(IAC);
          } else if (byte === SB) this.telnet = TelnetState.Subnegotiation;
          else if (byte >= 0xfb && byte <= 0xfe) this.telnet = TelnetState.Option; // WILL WONT DO DONT
          else this.telnet = TelnetState.Data; // NOP, GA, AYT, …: two-byte commands, dropped
          continue;
        case TelnetState.Option:
          this.telnet = TelnetState.Data;
          continue;
        case TelnetState.Subnegotiation:
          if (byte === IAC) this.telnet = TelnetState.SubnegotiationIac;
          continue;
        case TelnetState.SubnegotiationIac:
          this.telnet = byte === SE ? TelnetState.Data : TelnetState.Subnegotiation;
          continue;
        case TelnetState.AfterCr:
          this.telnet = TelnetState.Data;
          if (byte === 0x00 || byte === 0x0a) {
            this.endLine();
            continue;
          }
          // A CR followed by anything else is data; keep it and handle this byte normally.
          this.pushByte(0x0d);
          break;
        case TelnetState.Data:
          break;
      }
      if (byte === IAC) this.telnet = TelnetState.Iac;
      else if (byte === 0x0d) this.telnet = TelnetState.AfterCr;
      else if (byte === 0x0a) this.endLine();
      else this.pushByte(byte);
    }
  }

  private pushByte(byte: number): void {
    if (this.overflow) return;
    if (byte === 0x08 || byte === 0x7f) {
      this.lineBytes.pop();
      return;
    }
    this.lineBytes.push(byte);
    // Keep room for the CRLF the limit counts.
    if (this.lineBytes.length > this.server.maxLineLength - 2) {
      this.overflow = true;
      this.lineBytes = [];
    }
  }

  private endLine(): void {
    if (this.overflow) {
      this.overflow = false;
      this.reply(`-ERR line too long (at most ${this.server.maxLineLength} octets)`);
      return;
    }
    const line = Buffer.from(this.lineBytes).toString('latin1');
    this.lineBytes = [];
    if (this.state === 'UPDATE') return; // after QUIT nothing more is answered
    this.command(line);
  }

  private command(line: string): void {
    const trimmed = line.replace(/^ +/, '');
    const space = trimmed.indexOf(' ');
    const keyword = (space < 0 ? trimmed : trimmed.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : trimmed.slice(space + 1);
    const args = rest.split(' ').filter((a) => a !== '');
    if (keyword === '') {
      this.reply('-ERR empty command');
      return;
    }
    if (keyword === 'CAPA') return this.capa();
    if (keyword === 'QUIT') return this.quit();
    if (this.state === 'AUTHORIZATION') {
      switch (keyword) {
        case 'USER':
          return this.user(args);
        case 'PASS':
          return this.pass(rest);
        case 'APOP':
          return this.apop(args);
        case 'STAT':
        case 'LIST':
        case 'UIDL':
        case 'TOP':
        case 'RETR':
        case 'DELE':
        case 'RSET':
        case 'NOOP':
          this.reply('-ERR command not valid in this state (log in with USER and PASS first)');
          return;
        default:
          this.reply('-ERR unknown command');
          return;
      }
    }
    switch (keyword) {
      case 'STAT':
        return this.stat(args);
      case 'LIST':
        return this.listOrUidl(args, false);
      case 'UIDL':
        return this.listOrUidl(args, true);
      case 'RETR':
        return this.retr(args);
      case 'TOP':
        return this.top(args);
      case 'DELE':
        return this.dele(args);
      case 'RSET':
        return this.rset(args);
      case 'NOOP':
        this.reply(args.length === 0 ? '+OK' : '-ERR NOOP takes no argument');
        return;
      case 'USER':
      case 'PASS':
      case 'APOP':
        this.reply('-ERR command not valid in this state (already logged in)');
        return;
      default:
        this.reply('-ERR unknown command');
    }
  }

  private capa(): void {
    const lines = ['TOP', 'USER', 'UIDL', 'RESP-CODES', 'PIPELINING', 'EXPIRE NEVER', 'IMPLEMENTATION Wirelab-lab-server'];
    this.reply('+OK Capability list follows', Buffer.from(lines.map((l) => l + CRLF).join('') + '.' + CRLF));
  }

  private user(args: string[]): void {
    if (args.length !== 1) {
      this.reply('-ERR USER needs exactly one argument: USER name');
      return;
    }
    this.pendingUserName = args[0];
    this.pendingUser = findAccountByLogin(this.server.accounts, args[0]);
    // Do not reveal whether the mailbox exists (RFC 1939 §13): the answer comes after PASS.
    this.reply('+OK core mail');
  }

  private pass(password: string): void {
    if (this.pendingUserName === undefined) {
      this.reply('-ERR send USER first');
      return;
    }
    const account = this.pendingUser;
    this.pendingUser = undefined;
    this.pendingUserName = undefined;
    if (account === undefined || password !== account.password) {
      this.reply('-ERR [AUTH] authentication failed');
      return;
    }
    this.login(account);
  }

  private apop(args: string[]): void {
    if (args.length !== 2) {
      this.reply('-ERR APOP needs two arguments: APOP name digest');
      return;
    }
    const account = findAccountByLogin(this.server.accounts, args[0]);
    const expected = account === undefined ? '' : createHash('md5').update(this.timestamp + account.password).digest('hex');
    if (account === undefined || args[1].toLowerCase() !== expected) {
      this.reply('-ERR [AUTH] authentication failed');
      return;
    }
    this.login(account);
  }

  private login(account: LabAccount): void {
    if (!this.server.lock(account.user, this)) {
      this.reply('-ERR [IN-USE] mailbox already locked by another session');
      return;
    }
    this.account = account;
    this.state = 'TRANSACTION';
    this.messages = this.server.mailbox.list(account.user).map((stored, i) => ({ number: i + 1, stored, deleted: false }));
    const live = this.live();
    this.reply(`+OK ${live.length} message(s) [${live.reduce((n, m) => n + m.stored.size, 0)} byte(s)]`);
  }

  private live(): SessionMessage[] {
    return this.messages.filter((m) => !m.deleted);
  }

  /** messageArg resolves a message-number argument or replies -ERR and returns undefined. */
  private messageArg(arg: string | undefined): SessionMessage | undefined {
    if (arg === undefined || !/^\d{1,10}$/.test(arg)) {
      this.reply('-ERR invalid message number');
      return undefined;
    }
    const message = this.messages[Number(arg) - 1];
    if (message === undefined) {
      this.reply(`-ERR no such message, only ${this.messages.length} messages in maildrop`);
      return undefined;
    }
    if (message.deleted) {
      this.reply(`-ERR message ${message.number} already deleted`);
      return undefined;
    }
    return message;
  }

  private stat(args: string[]): void {
    if (args.length !== 0) {
      this.reply('-ERR STAT takes no argument');
      return;
    }
    const live = this.live();
    this.reply(`+OK ${live.length} ${live.reduce((n, m) => n + m.stored.size, 0)}`);
  }

  private listOrUidl(args: string[], uidl: boolean): void {
    const value = (m: SessionMessage): string => (uidl ? m.stored.uidl : String(m.stored.size));
    if (args.length > 1) {
      this.reply(`-ERR ${uidl ? 'UIDL' : 'LIST'} takes at most one argument`);
      return;
    }
    if (args.length === 1) {
      const message = this.messageArg(args[0]);
      if (message !== undefined) this.reply(`+OK ${message.number} ${value(message)}`);
      return;
    }
    const live = this.live();
    const head = uidl ? '+OK' : `+OK ${live.length} ${live.reduce((n, m) => n + m.stored.size, 0)}`;
    const body = live.map((m) => `${m.number} ${value(m)}${CRLF}`).join('') + '.' + CRLF;
    this.reply(head, Buffer.from(body, 'latin1'));
  }

  private read(message: SessionMessage): Buffer | undefined {
    try {
      return this.server.mailbox.read(this.account!.user, message.stored.uidl);
    } catch (err) {
      this.reply(`-ERR cannot read message ${message.number}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private retr(args: string[]): void {
    if (args.length !== 1) {
      this.reply('-ERR RETR needs one argument: RETR msg');
      return;
    }
    const message = this.messageArg(args[0]);
    if (message === undefined) return;
    const content = this.read(message);
    if (content === undefined) return;
    this.reply(`+OK ${content.length} octets`, dotStuff(content));
  }

  private top(args: string[]): void {
    if (args.length !== 2 || !/^\d{1,10}$/.test(args[1])) {
      this.reply('-ERR TOP needs two arguments: TOP msg n');
      return;
    }
    const message = this.messageArg(args[0]);
    if (message === undefined) return;
    const content = this.read(message);
    if (content === undefined) return;
    this.reply('+OK top of message follows', dotStuff(topOfMessage(content, Number(args[1]))));
  }

  private dele(args: string[]): void {
    if (args.length !== 1) {
      this.reply('-ERR DELE needs one argument: DELE msg');
      return;
    }
    const message = this.messageArg(args[0]);
    if (message === undefined) return;
    message.deleted = true;
    this.reply(`+OK message ${message.number} deleted`);
  }

  private rset(args: string[]): void {
    if (args.length !== 0) {
      this.reply('-ERR RSET takes no argument');
      return;
    }
    for (const m of this.messages) m.deleted = false;
    const live = this.live();
    this.reply(`+OK maildrop has ${live.length} messages (${live.reduce((n, m) => n + m.stored.size, 0)} octets)`);
  }

  private quit(): void {
    if (this.state === 'AUTHORIZATION') {
      this.state = 'UPDATE';
      this.reply('+OK Wirelab POP3 server signing off');
      this.finish();
      return;
    }
    this.state = 'UPDATE';
    const account = this.account!;
    const doomed = this.messages.filter((m) => m.deleted).map((m) => m.stored.uidl);
    try {
      this.server.mailbox.remove(account.user, doomed);
      const left = this.server.mailbox.list(account.user).length;
      this.reply(`+OK Wirelab POP3 server signing off (${left} messages left)`);
    } catch (err) {
      this.reply(`-ERR some deleted messages not removed: ${(err as Error).message}`);
    }
    this.finish();
  }
}

class Pop3ServerImpl {
  readonly sessions = new Set<Pop3Session>();
  private readonly locks = new Map<string, Pop3Session>();
  readonly idleTimeoutMs: number;
  readonly maxLineLength: number;

  constructor(
    readonly accounts: readonly LabAccount[],
    readonly mailbox: MailboxStore,
    options: LabPop3Options,
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
    this.maxLineLength = Math.max(16, options.maxLineLength ?? 255);
  }

  lock(user: string, session: Pop3Session): boolean {
    const holder = this.locks.get(user);
    if (holder !== undefined && holder !== session) return false;
    this.locks.set(user, session);
    return true;
  }

  unlock(user: string, session: Pop3Session): void {
    if (this.locks.get(user) === session) this.locks.delete(user);
  }

  forget(session: Pop3Session): void {
    this.sessions.delete(session);
  }

  lockedAccounts(): string[] {
    return [...this.locks.keys()];
  }
}

/** startLabPop3 starts the lab POP3 server and resolves once it listens. */
export async function startLabPop3(options: LabPop3Options): Promise<LabPop3Server> {
  const host = options.host ?? '127.0.0.1';
  assertLoopback(host);
  const impl = new Pop3ServerImpl(options.accounts, options.mailbox, options);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    impl.sessions.add(new Pop3Session(socket, impl));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 1110, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const address = server.address() as AddressInfo;
  return {
    host,
    port: address.port,
    connectionCount: () => sockets.size,
    lockedAccounts: () => impl.lockedAccounts(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
