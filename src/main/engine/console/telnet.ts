/**
 * The console's telnet-style client (RFC 854/855): a plain TCP connection to any host:port, in one of two
 * modes that decide how typed text becomes TCP segments — which is what students look at:
 *  - `line`: the client edits a line locally and sends it whole, with CRLF, on Enter (one segment);
 *  - `character`: every key is written as soon as it is typed, with Nagle off (TCP_NODELAY), so each key
 *    becomes its own segment, as Windows telnet sends it; a pasted string is paced key by key.
 * Telnet option negotiation from the server is answered by refusing every option (DO → WONT, WILL → DONT)
 * and never shown as text; subnegotiations are skipped; IAC IAC is a data byte 0xFF. No shell is involved.
 * Each session keeps a transcript of what was sent and received.
 */
import { Socket } from 'node:net';

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;

/** CHARACTER_PACE_MS separates keys of a pasted string in character mode, so each is its own segment. */
export const CHARACTER_PACE_MS = 5;
/** CONNECT_TIMEOUT_MS ends a connection attempt that gets no answer. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** TRANSCRIPT_LIMIT bounds the kept transcript (bytes per direction); older text is dropped. */
export const TRANSCRIPT_LIMIT = 1 << 20;

/** TelnetMode: see the file comment. */
export type TelnetMode = 'line' | 'character';

/** TranscriptEntry is one chunk sent or received, with its time. */
export interface TranscriptEntry {
  dir: 'sent' | 'received';
  at: number;
  bytes: Uint8Array;
}

/** TelnetEvents are what a session reports. */
export interface TelnetEvents {
  data(bytes: Uint8Array): void;
  status(text: string): void;
  error(text: string): void;
  close(): void;
}

/** describeSocketError turns a socket error into words a student can act on. */
export function describeSocketError(err: NodeJS.ErrnoException, host: string, port: number): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `Connection refused: nothing is listening on ${host} port ${port}. Is the server running and the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Unknown host "${host}": the name could not be resolved. Check the spelling, or use an IP address.`;
    case 'ETIMEDOUT':
      return `Connection to ${host} port ${port} timed out: no answer. A firewall may block the port.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from this computer (no route). Check the network connection.`;
    case 'ECONNRESET':
      return `The server closed the connection abruptly (reset).`;
    case 'EPIPE':
      return `The connection is closed; nothing more can be sent.`;
    default:
      return `Connection error: ${err.message}`;
  }
}

/**
 * TelnetFilter removes telnet negotiation from received bytes and produces the refusals to send back.
 * It keeps state across chunks, since a sequence may be split between segments.
 */
export class TelnetFilter {
  private state: 'data' | 'iac' | 'option' | 'sb' | 'sb-iac' = 'data';
  private command = 0;

  /** feed returns the data bytes of `chunk` and the replies to send. */
  feed(chunk: Uint8Array): { data: Uint8Array; replies: number[] } {
    const data: number[] = [];
    const replies: number[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case 'data':
          if (b === IAC) this.state = 'iac';
          else data.push(b);
          break;
        case 'iac':
          if (b === IAC) {
            data.push(IAC);
            this.state = 'data';
          } else if (b === DO || b === DONT || b === WILL || b === WONT) {
            this.command = b;
            this.state = 'option';
          } else if (b === SB) {
            this.state = 'sb';
          } else {
            this.state = 'data'; // NOP, GA, AYT…: no data, nothing to answer
          }
          break;
        case 'option':
          if (this.command === DO) replies.push(IAC, WONT, b);
          else if (this.command === WILL) replies.push(IAC, DONT, b);
          this.state = 'data';
          break;
        case 'sb':
          if (b === IAC) this.state = 'sb-iac';
          break;
        case 'sb-iac':
          this.state = b === SE ? 'data' : 'sb';
          break;
      }
    }
    return { data: Uint8Array.from(data), replies };
  }
}

/** TelnetSession is one console connection. */
export class TelnetSession {
  readonly transcript: TranscriptEntry[] = [];
  private transcriptBytes = 0;
  private readonly socket = new Socket();
  private readonly filter = new TelnetFilter();
  private queue: Promise<void> = Promise.resolve();
  private open = false;
  private closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    public mode: TelnetMode,
    private readonly events: TelnetEvents,
  ) {}

  /** connect opens the connection; resolves when connected, rejects with words on failure. */
  connect(timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const text = `Connection to ${this.host} port ${this.port} timed out after ${timeoutMs / 1000} s: no answer.`;
        this.socket.destroy();
        reject(new Error(text));
      }, timeoutMs);
      this.socket.setNoDelay(true);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        this.open = true;
        this.events.status(`Connected to ${this.host} port ${this.port} (${this.mode} mode).`);
        resolve();
      });
      this.socket.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const text = describeSocketError(err, this.host, this.port);
        if (!this.open) reject(new Error(text));
        else this.events.error(text);
      });
      this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
      this.socket.on('close', () => {
        clearTimeout(timer);
        const wasOpen = this.open;
        this.open = false;
        this.closed = true;
        if (wasOpen) this.events.status('Connection closed by foreign host.');
        this.events.close();
      });
      this.socket.connect({ host: this.host, port: this.port });
    });
  }

  private record(dir: TranscriptEntry['dir'], bytes: Uint8Array): void {
    this.transcript.push({ dir, at: Date.now(), bytes });
    this.transcriptBytes += bytes.length;
    while (this.transcriptBytes > TRANSCRIPT_LIMIT * 2 && this.transcript.length > 1) {
      this.transcriptBytes -= this.transcript.shift()!.bytes.length;
    }
  }

  private receive(chunk: Buffer): void {
    const { data, replies } = this.filter.feed(chunk);
    if (replies.length > 0 && this.open) this.socket.write(Uint8Array.from(replies));
    if (data.length > 0) {
      this.record('received', data);
      this.events.data(data);
    }
  }

  /** isOpen tells whether the connection is up. */
  get isOpen(): boolean {
    return this.open;
  }

  /**
   * send writes text. In line mode, `text` is a whole line and CRLF is added (a trailing CR/LF in the text
   * is replaced). In character mode each character is written on its own, paced, so that every key is its
   * own segment; "\r" or "\n" (Enter) becomes CR LF as telnet sends it.
   */
  send(text: string): Promise<void> {
    if (!this.open) return Promise.reject(new Error(this.closed ? 'The connection is closed.' : 'Not connected.'));
    const encoder = new TextEncoder();
    if (this.mode === 'line') {
      const line = text.replace(/\r?\n$|\r$/, '');
      const bytes = encoder.encode(line + '\r\n');
      this.queue = this.queue.then(() => this.write(bytes));
      return this.queue;
    }
    const keys: Uint8Array[] = [];
    for (const ch of text.replace(/\r\n/g, '\r')) {
      keys.push(ch === '\r' || ch === '\n' ? Uint8Array.of(13, 10) : encoder.encode(ch));
    }
    this.queue = this.queue.then(async () => {
      for (let i = 0; i < keys.length; i++) {
        if (!this.open) return;
        await this.write(keys[i]);
        if (i < keys.length - 1) await new Promise((r) => setTimeout(r, CHARACTER_PACE_MS));
      }
    });
    return this.queue;
  }

  private write(bytes: Uint8Array): Promise<void> {
    // Data bytes equal to IAC must be doubled on a telnet connection.
    let out = bytes;
    if (bytes.includes(IAC)) {
      const doubled: number[] = [];
      for (const b of bytes) b === IAC ? doubled.push(IAC, IAC) : doubled.push(b);
      out = Uint8Array.from(doubled);
    }
    this.record('sent', bytes);
    return new Promise((resolve, reject) => {
      this.socket.write(out, (err) => (err ? reject(new Error(describeSocketError(err, this.host, this.port))) : resolve()));
    });
  }

  /** close ends the connection (FIN), then destroys it if the peer does not answer. */
  close(): void {
    if (this.closed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
}
