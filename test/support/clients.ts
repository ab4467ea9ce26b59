/**
 * Real mail clients that drive the lab servers in tests and in the standard captures: curl (smtp://,
 * pop3://), python3 smtplib/poplib, a Node "Windows telnet" that sends one key per TCP segment, and
 * Debian's telnet in character mode driven through tmux. Every client talks only to loopback (127.0.0.1
 * or ::1); `assertLoopbackHost` enforces that before anything is sent.
 */
import * as net from 'node:net';
import { run, sleep, type RunResult } from './tools';

/** assertLoopbackHost rejects any host that is not 127.0.0.0/8, ::1 or localhost. */
export function assertLoopbackHost(host: string): void {
  if (!(host === '::1' || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) {
    throw new Error(`test clients only talk to loopback, not ${host}`);
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Endpoint is a server address plus login. */
export interface MailEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** CurlSendMailOptions describes one mail sent with `curl smtp://`. */
export interface CurlSendMailOptions extends MailEndpoint {
  from: string;
  to: string[];
  /** message text or bytes (headers, empty line, body); curl converts LF to CRLF and dot-stuffs. */
  message: string | Uint8Array;
  /** SASL mechanism to force (`--login-options AUTH=…`); curl picks PLAIN by default. */
  auth?: 'LOGIN' | 'PLAIN';
  /** EHLO name, default `wirelab-client` (curl's URL path). */
  ehloName?: string;
}

/** curlSendMail sends one mail with `curl smtp://HOST:PORT --mail-from --mail-rcpt --upload-file - --user`. */
export async function curlSendMail(options: CurlSendMailOptions): Promise<RunResult> {
  assertLoopbackHost(options.host);
  const args = ['-sS', '--max-time', '20', '--url', `smtp://${urlHost(options.host)}:${options.port}/${options.ehloName ?? 'wirelab-client'}`];
  args.push('--mail-from', options.from);
  for (const rcpt of options.to) args.push('--mail-rcpt', rcpt);
  args.push('--upload-file', '-', '--user', `${options.user}:${options.password}`);
  if (options.auth !== undefined) args.push('--login-options', `AUTH=${options.auth}`);
  return run('curl', args, { input: options.message, timeoutMs: 30_000 });
}

/** CurlPop3Options describes one `curl pop3://` request. */
export interface CurlPop3Options extends MailEndpoint {
  /** message number to RETR (URL path); omitted = LIST. */
  message?: number;
  /** custom command (`-X`), e.g. `UIDL` or `TOP 1 0`; curl then prints the multi-line answer. */
  request?: string;
  /** `-I`-like: no body, only check login (`--list-only` is not used). */
  allowFailure?: boolean;
}

/** curlPop3 runs `curl pop3://HOST:PORT/[N] --user U:P [-X CMD]` and returns its output (stdout bytes are exact). */
export async function curlPop3(options: CurlPop3Options): Promise<RunResult> {
  assertLoopbackHost(options.host);
  const path = options.message === undefined ? '' : String(options.message);
  const args = ['-sS', '--max-time', '20', '--url', `pop3://${urlHost(options.host)}:${options.port}/${path}`, '--user', `${options.user}:${options.password}`];
  if (options.request !== undefined) args.push('-X', options.request);
  return run('curl', args, { timeoutMs: 30_000, allowFailure: options.allowFailure });
}

/** curlPop3Retr retrieves message `message` with curl and returns its exact bytes. */
export async function curlPop3Retr(options: MailEndpoint & { message: number }): Promise<Buffer> {
  return (await curlPop3(options)).stdoutBytes;
}

const SMTPLIB_SCRIPT = String.raw`
import base64, json, smtplib, sys
o = json.load(sys.stdin)
out = {"replies": []}
s = smtplib.SMTP(o["host"], o["port"], local_hostname=o.get("ehloName", "li"), timeout=20)
try:
    code, msg = s.ehlo()
    out["ehlo"] = [code, msg.decode("latin1")]
    s.user, s.password = o["user"], o["password"]
    mech = o.get("auth", "LOGIN")
    try:
        if mech == "LOGIN":
            code, msg = s.auth("LOGIN", s.auth_login, initial_response_ok=o.get("initialResponse", False))
        else:
            code, msg = s.auth("PLAIN", s.auth_plain, initial_response_ok=o.get("initialResponse", True))
        out["auth"] = [code, msg.decode("latin1")]
    except smtplib.SMTPAuthenticationError as e:
        out["auth"] = [e.smtp_code, e.smtp_error.decode("latin1")]
        s.quit()
        print(json.dumps(out)); sys.exit(0)
    for m in o["messages"]:
        body = base64.b64decode(m["b64"])
        try:
            refused = s.sendmail(o["from"], o["to"], body)
            out["replies"].append({"ok": True, "refused": {k: [v[0], v[1].decode("latin1")] for k, v in refused.items()}})
        except smtplib.SMTPException as e:
            out["replies"].append({"ok": False, "error": repr(e)})
    code, msg = s.quit()
    out["quit"] = [code, msg.decode("latin1")]
finally:
    try: s.close()
    except Exception: pass
print(json.dumps(out))
`;

/** PythonSmtplibOptions describes an smtplib session: one login, one or more mails. */
export interface PythonSmtplibOptions extends MailEndpoint {
  auth: 'LOGIN' | 'PLAIN';
  /** send the credentials with the AUTH command (default: false for LOGIN, true for PLAIN). */
  initialResponse?: boolean;
  from: string;
  to: string[];
  /** raw messages; smtplib normalises line ends to CRLF and dot-stuffs. */
  messages: Array<string | Uint8Array>;
  ehloName?: string;
}

/** PythonSmtplibResult is what the smtplib script reports. */
export interface PythonSmtplibResult {
  ehlo: [number, string];
  auth: [number, string];
  replies: Array<{ ok: boolean; refused?: Record<string, [number, string]>; error?: string }>;
  quit?: [number, string];
}

/** pythonSmtplib runs an smtplib session (EHLO, AUTH LOGIN or PLAIN, sendmail per message, QUIT). */
export async function pythonSmtplib(options: PythonSmtplibOptions): Promise<PythonSmtplibResult> {
  assertLoopbackHost(options.host);
  const input = JSON.stringify({
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    auth: options.auth,
    initialResponse: options.initialResponse,
    from: options.from,
    to: options.to,
    ehloName: options.ehloName ?? 'li',
    messages: options.messages.map((m) => ({ b64: Buffer.from(m).toString('base64') })),
  });
  const result = await run('python3', ['-c', SMTPLIB_SCRIPT], { input, timeoutMs: 30_000 });
  return JSON.parse(result.stdout) as PythonSmtplibResult;
}

const POPLIB_SCRIPT = String.raw`
import base64, json, poplib, sys
o = json.load(sys.stdin)
res = []
p = poplib.POP3(o["host"], o["port"], timeout=20)
out = {"welcome": p.getwelcome().decode("latin1")}
try:
    p.user(o["user"])
    try:
        p.pass_(o["password"])
    except poplib.error_proto as e:
        out["loginError"] = e.args[0].decode("latin1") if isinstance(e.args[0], bytes) else str(e.args[0])
        p.quit(); print(json.dumps(out)); sys.exit(0)
    for op in o["ops"]:
        cmd, args = op["cmd"], op.get("args", [])
        try:
            if cmd == "stat":
                r = {"count": p.stat()[0], "size": p.stat()[1]}
            elif cmd in ("list", "uidl"):
                fn = p.list if cmd == "list" else p.uidl
                if args:
                    r = {"resp": fn(args[0]).decode("latin1")}
                else:
                    resp, lines, octets = fn()
                    r = {"resp": resp.decode("latin1"), "lines": [l.decode("latin1") for l in lines]}
            elif cmd in ("retr", "top"):
                resp, lines, octets = p.retr(args[0]) if cmd == "retr" else p.top(args[0], args[1])
                data = b"".join(l + b"\r\n" for l in lines)
                r = {"resp": resp.decode("latin1"), "b64": base64.b64encode(data).decode("ascii"), "octets": octets}
            elif cmd == "dele":
                r = {"resp": p.dele(args[0]).decode("latin1")}
            elif cmd == "rset":
                r = {"resp": p.rset().decode("latin1")}
            elif cmd == "noop":
                r = {"resp": p.noop().decode("latin1")}
            elif cmd == "capa":
                r = {"capa": p.capa()}
            else:
                raise ValueError("unknown op " + cmd)
            r["ok"] = True
        except poplib.error_proto as e:
            r = {"ok": False, "error": e.args[0].decode("latin1") if isinstance(e.args[0], bytes) else str(e.args[0])}
        res.append(r)
    out["quit"] = p.quit().decode("latin1")
finally:
    try: p.close()
    except Exception: pass
out["results"] = res
print(json.dumps(out))
`;

/** PoplibOp is one poplib call. */
export type PoplibOp =
  | { cmd: 'stat' | 'rset' | 'noop' | 'capa' }
  | { cmd: 'list' | 'uidl'; args?: [number] }
  | { cmd: 'retr' | 'dele'; args: [number] }
  | { cmd: 'top'; args: [number, number] };

/** PoplibResult is one op's outcome; `b64` carries RETR/TOP content re-joined with CRLF (dot-unstuffed). */
export interface PoplibResult {
  ok: boolean;
  error?: string;
  resp?: string;
  lines?: string[];
  count?: number;
  size?: number;
  b64?: string;
  octets?: number;
  capa?: Record<string, string[]>;
}

/** pythonPoplib logs in with USER/PASS and runs `ops` one after another (no pipelining), then QUIT. */
export async function pythonPoplib(
  options: MailEndpoint & { ops: PoplibOp[] },
): Promise<{ welcome: string; loginError?: string; results?: PoplibResult[]; quit?: string }> {
  assertLoopbackHost(options.host);
  const input = JSON.stringify({ host: options.host, port: options.port, user: options.user, password: options.password, ops: options.ops });
  const result = await run('python3', ['-c', POPLIB_SCRIPT], { input, timeoutMs: 30_000 });
  return JSON.parse(result.stdout) as { welcome: string; loginError?: string; results?: PoplibResult[]; quit?: string };
}

/** TypedLine is a line for the key-by-key clients; `expect` overrides the automatic reply detection. */
export type TypedLine = string | { text: string; expect: 'none' | 'reply' | 'multiline' };

/** TypeOptions tunes typeOneKeyPerSegment. */
export interface TypeOptions {
  protocol: 'smtp' | 'pop3';
  /** ms between keystrokes, default 4. */
  keyDelayMs?: number;
  /** ms to wait for each reply, default 10 000. */
  replyTimeoutMs?: number;
  /** lines (by index) sent as one segment, like a paste into the console (the handout's 25-byte segment). */
  pasted?: number[];
}

/** TypeTranscript is what a key-by-key session saw. */
export interface TypeTranscript {
  greeting: string;
  /** replies[i] is the server's text after lines[i] ('' when none was expected). */
  replies: string[];
  /** everything the server sent, in order. */
  received: string;
}

function popIsMultiline(command: string): boolean {
  const [keyword, ...args] = command.trim().split(/\s+/);
  switch (keyword.toUpperCase()) {
    case 'LIST':
    case 'UIDL':
      return args.length === 0;
    case 'RETR':
    case 'TOP':
    case 'CAPA':
      return true;
    default:
      return false;
  }
}

/**
 * typeOneKeyPerSegment connects with setNoDelay(true) and types each command one character per write,
 * a few ms apart, then CR LF as one 2-byte write — what Windows telnet puts on the wire. After each
 * line it waits for the server's complete reply: a final `ddd ` line for SMTP (none for the lines of
 * the DATA phase), `+OK`/`-ERR` for POP3 plus the `.` terminator after LIST/UIDL/RETR/TOP/CAPA. After
 * QUIT it waits for the server to close.
 */
export async function typeOneKeyPerSegment(host: string, port: number, lines: TypedLine[], options: TypeOptions): Promise<TypeTranscript> {
  assertLoopbackHost(host);
  const keyDelay = options.keyDelayMs ?? 4;
  const replyTimeout = options.replyTimeoutMs ?? 10_000;
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  let received = '';
  let consumed = 0;
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    wake?.();
  });
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  /** waitFor resolves with the new text once `complete(newText)` holds. */
  const waitFor = async (complete: (text: string) => boolean, what: string): Promise<string> => {
    const deadline = Date.now() + replyTimeout;
    for (;;) {
      const text = received.slice(consumed);
      if (complete(text)) {
        consumed = received.length;
        return text;
      }
      if (closed) throw new Error(`connection closed while waiting for ${what}; received so far:\n${received}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received so far:\n${received}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };
  const smtpComplete = (text: string): boolean => /(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(text) || /(^|\r\n)\d{3}\r\n$/.test(text);
  const popLine = (text: string): boolean => /^(\+OK|-ERR)[^\r\n]*\r\n/.test(text);
  const popMulti = (text: string): boolean => /^-ERR[^\r\n]*\r\n/.test(text) || (/^\+OK/.test(text) && /\r\n\.\r\n$/.test(text));

  const greeting = await waitFor(options.protocol === 'smtp' ? smtpComplete : popLine, 'greeting');
  const replies: string[] = [];
  let inData = false;
  for (let index = 0; index < lines.length; index++) {
    const item = lines[index];
    const text = typeof item === 'string' ? item : item.text;
    if (options.pasted?.includes(index)) {
      socket.write(text);
      await sleep(keyDelay);
    } else {
      for (const ch of Buffer.from(text, 'utf8')) {
        socket.write(Buffer.from([ch]));
        await sleep(keyDelay);
      }
    }
    socket.write('\r\n');
    let expect: 'none' | 'reply' | 'multiline';
    if (typeof item !== 'string') expect = item.expect;
    else if (options.protocol === 'smtp') expect = inData && text !== '.' ? 'none' : 'reply';
    else expect = popIsMultiline(text) ? 'multiline' : 'reply';
    if (options.protocol === 'smtp' && inData && text === '.') inData = false;
    if (expect === 'none') {
      replies.push('');
      continue;
    }
    const reply = await waitFor(
      options.protocol === 'smtp' ? smtpComplete : expect === 'multiline' ? popMulti : popLine,
      `reply to ${JSON.stringify(text)}`,
    );
    replies.push(reply);
    if (options.protocol === 'smtp' && reply.startsWith('354')) inData = true;
  }
  // After QUIT the server closes; otherwise close our side.
  const deadline = Date.now() + replyTimeout;
  while (!closed && Date.now() < deadline && /^quit$/i.test(typeof lines.at(-1) === 'string' ? (lines.at(-1) as string) : '')) {
    await sleep(10);
  }
  if (!closed) socket.end();
  await new Promise<void>((resolve) => {
    if (closed) resolve();
    else {
      socket.once('close', () => resolve());
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2_000);
    }
  });
  return { greeting, replies, received };
}

let tmuxCounter = 0;

/** tmux runs a tmux command on a private server (`-L socket`), so parallel test processes never share one. */
async function tmux(socket: string, args: string[]): Promise<string> {
  return (await run('tmux', ['-L', socket, ...args], { timeoutMs: 10_000 })).stdout;
}

/** TelnetOptions tunes telnetCharacterMode. */
export interface TelnetOptions {
  /** ms between keystrokes, default 15. */
  keyDelayMs?: number;
  /** pattern whose number of matches in the pane grows by one per reply; default SMTP final reply lines. */
  replyPattern?: RegExp;
  replyTimeoutMs?: number;
  /** indexes of lines that get no reply (SMTP DATA content); default: detected from 354. */
  noReply?: number[];
}

/**
 * telnetCharacterMode runs Debian's (inetutils) `telnet HOST PORT` inside a detached tmux session,
 * switches it to `toggle crlf` (Return sends CR LF) and `mode character` through the `Ctrl-]` escape,
 * then types every line one character at a time with `tmux send-keys -l` and Enter. In character mode
 * Linux telnet sends `IAC DO SGA IAC DO ECHO` in front of the next command, so the first line after the
 * switch usually gets a 500 from an SMTP server: that is the realistic input we want in captures.
 * Returns the pane text. Waits for each reply by counting `replyPattern` matches in the pane.
 */
export async function telnetCharacterMode(host: string, port: number, lines: string[], options: TelnetOptions = {}): Promise<string> {
  assertLoopbackHost(host);
  const session = `wirelab-telnet-${process.pid}-${++tmuxCounter}`;
  const socket = session;
  const keyDelay = options.keyDelayMs ?? 15;
  const pattern = new RegExp((options.replyPattern ?? /^\d{3} /m).source, 'gm');
  const replyTimeout = options.replyTimeoutMs ?? 10_000;
  const pane = async (): Promise<string> => tmux(socket, ['capture-pane', '-p', '-J', '-S', '-2000', '-t', session]);
  const count = async (): Promise<number> => (await pane()).match(pattern)?.length ?? 0;
  const waitCount = async (target: number, what: string): Promise<void> => {
    const deadline = Date.now() + replyTimeout;
    while ((await count()) < target) {
      if (Date.now() > deadline) throw new Error(`telnet: timed out waiting for ${what}:\n${await pane()}`);
      await sleep(20);
    }
  };
  const waitText = async (re: RegExp, what: string): Promise<void> => {
    const deadline = Date.now() + replyTimeout;
    while (!re.test(await pane())) {
      if (Date.now() > deadline) throw new Error(`telnet: timed out waiting for ${what}:\n${await pane()}`);
      await sleep(20);
    }
  };
  // remain-on-exit keeps the pane readable after telnet exits (the server closes after QUIT).
  await tmux(socket, ['new-session', '-d', '-s', session, '-x', '200', '-y', '60', 'telnet', host, String(port), ';', 'set-option', '-t', session, 'remain-on-exit', 'on']);
  try {
    let replies = 0;
    await waitCount(++replies, 'greeting');
    // Ctrl-] opens the telnet> prompt; each command returns to the session.
    for (const command of ['toggle crlf', 'mode character']) {
      await tmux(socket, ['send-keys', '-t', session, 'C-]']);
      await waitText(/telnet> *$/m, 'telnet> prompt');
      await tmux(socket, ['send-keys', '-t', session, '-l', command]);
      await tmux(socket, ['send-keys', '-t', session, 'Enter']);
      await sleep(150);
    }
    let inData = false;
    for (let index = 0; index < lines.length; index++) {
      const text = lines[index];
      for (const ch of text) {
        await tmux(socket, ['send-keys', '-t', session, '-l', ch]);
        await sleep(keyDelay);
      }
      await tmux(socket, ['send-keys', '-t', session, 'Enter']);
      const silent = options.noReply ? options.noReply.includes(index) : inData && text !== '.';
      if (inData && text === '.') inData = false;
      if (silent) continue;
      await waitCount(++replies, `reply to ${JSON.stringify(text)}`);
      const finals = (await pane()).match(/^\d{3} .*$/gm) ?? [];
      if (options.noReply === undefined && finals.at(-1)?.startsWith('354')) inData = true;
    }
    // Let telnet notice the server closing after QUIT.
    await sleep(200);
    return await pane();
  } finally {
    await run('tmux', ['-L', socket, 'kill-server'], { allowFailure: true, timeoutMs: 5_000 });
  }
}

/** base64Line encodes a user name or password the way a student types it after `auth login` (UTF-8, base64). */
export function base64Line(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
