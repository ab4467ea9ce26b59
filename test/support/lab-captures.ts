/**
 * The standard set of real lab captures that dissector, store, CLI and UI tests read. They are made once
 * (by the vitest globalSetup) into `test-artifacts/captures/` by running the lab mail server on loopback
 * and driving it with real clients while tcpdump/dumpcap capture: the handout's SMTP and POP3 sessions
 * typed one key per TCP segment like Windows telnet, curl, python smtplib/poplib, Debian telnet in
 * character mode (IAC bytes in the stream), an IPv6 session, and `-i any` captures in SLL2 and SLL.
 * Every capture is also written as nanosecond pcap and pcapng with editcap.
 *
 * The set is keyed by CAPTURE_SET_VERSION plus a hash of the files that produce it; a manifest with the
 * same key is reused (set WIRELAB_RECAPTURE=1 to force a new set). A lock directory serialises
 * concurrent test runs on the same checkout. Servers use ports 25/110 when they are free (Wireshark
 * dissects SMTP/POP only on 25/587/110 without decode-as); otherwise ephemeral ports, and the manifest
 * then carries the `-d tcp.port==N,smtp` rules a tshark comparison needs.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMailboxStore, startLabServer, type LabServer } from '../../src/main/engine/labserver';
import { captureInfo, captureTraffic, captureWithDumpcap, convertCapture } from './capture';
import {
  base64Line,
  curlPop3,
  curlSendMail,
  pythonPoplib,
  pythonSmtplib,
  telnetCharacterMode,
  typeOneKeyPerSegment,
  type TypedLine,
} from './clients';
import { requireTools, sleep } from './tools';
import { tsharkRaw } from './tshark';

/** CAPTURE_SET_VERSION changes by hand when the meaning of the set changes. */
export const CAPTURE_SET_VERSION = 'lab-captures-v1';

/** CaptureName lists the standard captures. */
export type CaptureName =
  | 'smtp-handout'
  | 'pop-handout'
  | 'smtp-curl'
  | 'pop-curl'
  | 'smtp-python'
  | 'pop-python'
  | 'smtp-telnet'
  | 'mixed-ipv6'
  | 'any-sll2'
  | 'any-sll';

/** LabCapture describes one capture file of the set (absolute paths). */
export interface LabCapture {
  name: CaptureName;
  description: string;
  /** pcap (microseconds) as written by tcpdump/dumpcap. */
  file: string;
  /** the same packets as nanosecond pcap. */
  nsec: string;
  /** the same packets as pcapng. */
  pcapng: string;
  /** application protocols present. */
  protocols: Array<'smtp' | 'pop'>;
  /** server ports in the capture. */
  ports: { smtp?: number; pop?: number };
  /** tshark `-d` rules needed when the ports are not 25/110 (empty when they are). */
  decodeAs: string[];
  /** capinfos' encapsulation: ether, linux-sll2, linux-sll. */
  encapsulation: string;
  frames: number;
}

/** LabCaptureSet is what globalSetup provides to tests as `inject('captures')`. */
export interface LabCaptureSet {
  key: string;
  version: string;
  dir: string;
  createdAt: string;
  /** wall time spent making the set (0 parts when it was reused). */
  buildMs: number;
  reused: boolean;
  captures: Record<CaptureName, LabCapture>;
  /** mail contents sent in the captures, for byte-exact assertions. */
  mails: Record<string, string>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

/** CAPTURE_DIR is where the set lives (gitignored `test-artifacts/`). */
export const CAPTURE_DIR = path.join(REPO, 'test-artifacts', 'captures');

const STUDENT = { user: 'student', password: 'lab0418', address: 'student@wirelab.lab' };
const TEACHER = { user: 'teacher', password: 'lab0418', address: 'teacher@wirelab.lab' };

function setKey(): string {
  const hash = createHash('sha256').update(CAPTURE_SET_VERSION);
  const sources = [
    path.join(HERE, 'lab-captures.ts'),
    path.join(HERE, 'clients.ts'),
    path.join(HERE, 'capture.ts'),
    ...fs
      .readdirSync(path.join(REPO, 'src/main/engine/labserver'))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => path.join(REPO, 'src/main/engine/labserver', f)),
  ];
  for (const source of sources) hash.update(fs.readFileSync(source));
  return `${CAPTURE_SET_VERSION}-${hash.digest('hex').slice(0, 16)}`;
}

function rfc2047(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** quotedPrintable encodes UTF-8 text as quoted-printable (RFC 2045 §6.7) with CRLF line ends. */
function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let encoded = '';
    let current = '';
    for (const byte of Buffer.from(line, 'utf8')) {
      const piece = byte === 0x3d || byte >= 0x7f || (byte < 0x20 && byte !== 0x09) ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
      if (current.length + piece.length > 75) {
        encoded += `${current}=\r\n`;
        current = '';
      }
      current += piece;
    }
    out.push(encoded + current);
  }
  return out.join('\r\n');
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** The mails the set sends; exported through the manifest so tests can compare bytes. */
function buildMails(): Record<string, string> {
  const handout = 'subject: SMTP commands test\r\nThis is just a test.\r\n';
  const attachment = Buffer.alloc(600);
  for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 37 + 11) & 0xff;
  const boundary = '=_wirelab_boundary_1';
  const mime = [
    `From: ${rfc2047('王老师')} <teacher@wirelab.lab>`,
    `To: ${rfc2047('学生')} <student@wirelab.lab>`,
    `Subject: ${rfc2047('实验一：SMTP 与 POP3 消息的捕获与分析')}`,
    'Date: Mon, 22 Apr 2013 10:40:07 +0800',
    'Message-ID: <python-mime-1@wirelab.lab>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(
      '同学们好：\n这是一封测试邮件，用来观察 SMTP 的 DATA 阶段和 POP3 的 RETR 应答。\n' +
        'A long line that certainly needs a soft line break because quoted-printable lines stop at seventy-six characters = yes.',
    ),
    '.a line that starts with a dot (dot-stuffed on the wire)',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="capture-notes.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="capture-notes.bin"',
    '',
    base64Lines(attachment),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const plain = [
    'From: teacher@wirelab.lab',
    'To: student@wirelab.lab',
    'Subject: second mail (AUTH PLAIN)',
    'Date: Mon, 22 Apr 2013 10:45:00 +0800',
    'Message-ID: <python-plain-2@wirelab.lab>',
    '',
    'Line one.',
    '.',
    '..two dots',
    '',
    'Last line.',
    '',
  ].join('\r\n');
  const curl = [
    'From: student@wirelab.lab',
    'To: teacher@wirelab.lab',
    'Subject: sent with curl',
    '',
    'curl sends the whole body in one write.',
    '',
  ].join('\r\n');
  const telnet = 'subject: telnet character mode\r\nTyped by Debian telnet.\r\n';
  return { handout, mime, plain, curl, telnet };
}

interface Ports {
  server: LabServer;
  smtp: number;
  pop: number;
  wellKnown: boolean;
}

async function startServers(host: string, mailbox: ReturnType<typeof createMailboxStore>): Promise<Ports> {
  try {
    const server = await startLabServer({ host, smtpPort: 25, popPort: 110, mailbox });
    return { server, smtp: server.smtpPort, pop: server.popPort, wellKnown: true };
  } catch {
    const server = await startLabServer({ host, smtpPort: 0, popPort: 0, mailbox });
    return { server, smtp: server.smtpPort, pop: server.popPort, wellKnown: false };
  }
}

function decodeAsFor(ports: { smtp?: number; pop?: number }): string[] {
  const rules: string[] = [];
  if (ports.smtp !== undefined && ports.smtp !== 25 && ports.smtp !== 587) rules.push(`tcp.port==${ports.smtp},smtp`);
  if (ports.pop !== undefined && ports.pop !== 110) rules.push(`tcp.port==${ports.pop},pop`);
  return rules;
}

function manifestPath(): string {
  return path.join(CAPTURE_DIR, 'manifest.json');
}

function readManifest(key: string): LabCaptureSet | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestPath(), 'utf8')) as LabCaptureSet;
    if (manifest.key !== key) return undefined;
    for (const capture of Object.values(manifest.captures)) {
      for (const file of [capture.file, capture.nsec, capture.pcapng]) if (!fs.existsSync(file)) return undefined;
    }
    return { ...manifest, reused: true };
  } catch {
    return undefined;
  }
}

async function withLock<T>(body: () => Promise<T>): Promise<T> {
  fs.mkdirSync(CAPTURE_DIR, { recursive: true });
  const lock = path.join(CAPTURE_DIR, '.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // Someone else holds it: wait, unless its owner is gone.
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // pid not written yet
      }
      let alive = true;
      if (Number.isInteger(owner) && owner > 0) {
        try {
          process.kill(owner, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`capture set lock ${lock} held too long by pid ${owner}`);
      else await sleep(250);
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * ensureLabCaptures returns the standard capture set, making it if there is none for the current key.
 * Takes the directory lock, so concurrent runs wait for one another and then reuse the result.
 */
export async function ensureLabCaptures(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<LabCaptureSet> {
  const key = setKey();
  const force = options.force ?? process.env.WIRELAB_RECAPTURE === '1';
  if (!force) {
    const existing = readManifest(key);
    if (existing !== undefined) return existing;
  }
  return withLock(async () => {
    if (!force) {
      const existing = readManifest(key);
      if (existing !== undefined) return existing;
    }
    const set = await makeLabCaptures(key, options.log ?? (() => undefined));
    // Readers outside the lock must never see half a manifest.
    const temp = `${manifestPath()}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(set, null, 2));
    fs.renameSync(temp, manifestPath());
    return set;
  });
}

/** incompleteFrames lists the frames where tshark sees the capture missed a segment (or one was resent). */
async function incompleteFrames(file: string): Promise<string[]> {
  const r = await tsharkRaw(['-r', file, '-Y', 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || tcp.analysis.retransmission', '-T', 'fields', '-e', 'frame.number']);
  if (r.code !== 0) throw new Error(`tshark could not read ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

async function makeLabCaptures(key: string, log: (line: string) => void): Promise<LabCaptureSet> {
  requireTools('tcpdump', 'dumpcap', 'editcap', 'capinfos', 'tshark', 'curl', 'python3', 'telnet', 'tmux');
  const started = Date.now();
  const dir = CAPTURE_DIR;
  for (const entry of fs.readdirSync(dir)) {
    if (/\.(pcap|pcapng)$/.test(entry)) fs.rmSync(path.join(dir, entry), { force: true });
  }
  const mails = buildMails();
  const mailbox = createMailboxStore();
  const v4 = await startServers('127.0.0.1', mailbox);
  let v6: Ports | undefined;
  const captures = {} as Record<CaptureName, LabCapture>;
  try {
    v6 = await startServers('::1', mailbox);
    const smtpBpf = (p: Ports): string => `tcp port ${p.smtp}`;
    const popBpf = (p: Ports): string => `tcp port ${p.pop}`;
    const record = async (
      name: CaptureName,
      description: string,
      protocols: Array<'smtp' | 'pop'>,
      ports: { smtp?: number; pop?: number },
      make: (out: string) => Promise<string>,
    ): Promise<void> => {
      const t0 = Date.now();
      // A capture the conformance tests compare with tshark must be complete: on a loaded machine the
      // kernel has been seen to drop packets to tcpdump on lo (two segments of mixed-ipv6 once), which
      // tshark and Wirelab then analyse differently. Such a capture is made again (at most 3 times).
      let file = '';
      for (let attempt = 1; ; attempt++) {
        file = await make(path.join(dir, `${name}.pcap`));
        const lost = await incompleteFrames(file);
        if (lost.length === 0) break;
        if (attempt === 3) throw new Error(`${name}: the capture lost packets 3 times (tshark flags frames ${lost.join(', ')})`);
        log(`${name}: the capture lost packets (tshark flags frames ${lost.join(', ')}); capturing again`);
      }
      const info = await captureInfo(file);
      const nsec = await convertCapture(file, 'nsecpcap');
      const pcapng = await convertCapture(file, 'pcapng');
      captures[name] = { name, description, file, nsec, pcapng, protocols, ports, decodeAs: decodeAsFor(ports), encapsulation: info.encapsulation, frames: info.packets };
      log(`${name}: ${info.packets} frames, ${info.encapsulation}, ${Date.now() - t0} ms`);
    };
    const lo = (bpf: string, out: string) => ({ iface: 'lo' as const, bpf, out });

    // 1. The handout's SMTP session, typed one key per segment (Windows telnet).
    const handoutLines: TypedLine[] = [
      'ehlo li',
      'auth login',
      base64Line(STUDENT.address),
      base64Line('wrong0418'),
      'auth login',
      base64Line(STUDENT.address),
      base64Line(STUDENT.password),
      `mail from: <${STUDENT.address}>`,
      `rcpt to: <${TEACHER.address}>`,
      'data',
      ...mails.handout.replace(/\r\n$/, '').split('\r\n'),
      '.',
      'quit',
    ];
    await record('smtp-handout', 'handout SMTP session typed one key per TCP segment; wrong password first (535)', ['smtp'], { smtp: v4.smtp }, (out) =>
      captureTraffic(lo(smtpBpf(v4), out), async () => {
        await typeOneKeyPerSegment('127.0.0.1', v4.smtp, handoutLines, { protocol: 'smtp' });
      }),
    );

    // 2. The handout's POP3 session (teacher's mailbox holds the handout mail).
    await record('pop-handout', 'handout POP3 session typed one key per TCP segment: user, pass, stat, list, retr 1, quit', ['pop'], { pop: v4.pop }, (out) =>
      captureTraffic(lo(popBpf(v4), out), async () => {
        await typeOneKeyPerSegment('127.0.0.1', v4.pop, [`user ${TEACHER.user}`, `pass ${TEACHER.password}`, 'stat', 'list', 'retr 1', 'quit'], { protocol: 'pop3' });
      }),
    );

    // 3. curl.
    await record('smtp-curl', 'curl smtp:// upload (AUTH PLAIN, one mail)', ['smtp'], { smtp: v4.smtp }, (out) =>
      captureTraffic(lo(smtpBpf(v4), out), async () => {
        await curlSendMail({ host: '127.0.0.1', port: v4.smtp, ...STUDENT, from: STUDENT.address, to: [TEACHER.address], message: mails.curl });
      }),
    );
    // curl prefers APOP when the greeting carries a timestamp, so this capture shows APOP, not USER/PASS.
    await record('pop-curl', 'curl pop3:// LIST then RETR 2 (two connections; curl logs in with APOP)', ['pop'], { pop: v4.pop }, (out) =>
      captureTraffic(lo(popBpf(v4), out), async () => {
        await curlPop3({ host: '127.0.0.1', port: v4.pop, ...TEACHER });
        await curlPop3({ host: '127.0.0.1', port: v4.pop, ...TEACHER, message: 2 });
      }),
    );

    // 4. python smtplib: MIME mail with AUTH LOGIN, then a second session with AUTH PLAIN; poplib reads both.
    await record('smtp-python', 'python smtplib: AUTH LOGIN + MIME multipart (RFC 2047 subject, QP, base64), then AUTH PLAIN + plain mail', ['smtp'], { smtp: v4.smtp }, (out) =>
      captureTraffic(lo(smtpBpf(v4), out), async () => {
        const first = await pythonSmtplib({ host: '127.0.0.1', port: v4.smtp, ...TEACHER, auth: 'LOGIN', from: TEACHER.address, to: [STUDENT.address], messages: [mails.mime] });
        const second = await pythonSmtplib({ host: '127.0.0.1', port: v4.smtp, ...TEACHER, auth: 'PLAIN', from: TEACHER.address, to: [STUDENT.address], messages: [mails.plain] });
        if (first.auth[0] !== 235 || second.auth[0] !== 235) throw new Error(`smtplib login failed: ${JSON.stringify([first.auth, second.auth])}`);
      }),
    );
    await record('pop-python', 'python poplib: stat, list, uidl, retr 1, retr 2, top 1 0, top 2 3', ['pop'], { pop: v4.pop }, (out) =>
      captureTraffic(lo(popBpf(v4), out), async () => {
        const result = await pythonPoplib({
          host: '127.0.0.1',
          port: v4.pop,
          ...STUDENT,
          ops: [{ cmd: 'stat' }, { cmd: 'list' }, { cmd: 'uidl' }, { cmd: 'retr', args: [1] }, { cmd: 'retr', args: [2] }, { cmd: 'top', args: [1, 0] }, { cmd: 'top', args: [2, 3] }],
        });
        if (result.loginError !== undefined) throw new Error(`poplib login failed: ${result.loginError}`);
      }),
    );

    // 5. Debian telnet in character mode: IAC DO SGA / IAC DO ECHO land in front of the first command.
    await record('smtp-telnet', 'Debian telnet in character mode via tmux (IAC negotiation bytes before the first command → 500, retyped)', ['smtp'], { smtp: v4.smtp }, (out) =>
      captureTraffic(lo(smtpBpf(v4), out), async () => {
        await telnetCharacterMode('127.0.0.1', v4.smtp, [
          'ehlo li',
          'ehlo li',
          'auth login',
          base64Line(STUDENT.user),
          base64Line(STUDENT.password),
          `mail from: <${STUDENT.address}>`,
          `rcpt to: <${TEACHER.address}>`,
          'data',
          ...mails.telnet.replace(/\r\n$/, '').split('\r\n'),
          '.',
          'quit',
        ]);
      }),
    );

    // 6. IPv6 SMTP session plus an IPv4 POP3 session in one capture.
    const v6ports = v6;
    await record('mixed-ipv6', 'SMTP over ::1 (smtplib, AUTH LOGIN) and POP3 over 127.0.0.1 (poplib) in one capture', ['smtp', 'pop'], { smtp: v6ports.smtp, pop: v4.pop }, (out) =>
      captureTraffic(lo(`tcp port ${v6ports.smtp} or tcp port ${v4.pop}`, out), async () => {
        await pythonSmtplib({ host: '::1', port: v6ports.smtp, ...STUDENT, auth: 'LOGIN', from: STUDENT.address, to: [TEACHER.address], messages: ['Subject: over IPv6\r\n\r\nHello from ::1.\r\n'] });
        await pythonPoplib({ host: '127.0.0.1', port: v4.pop, ...TEACHER, ops: [{ cmd: 'stat' }, { cmd: 'top', args: [1, 0] }] });
      }),
    );

    // 7. -i any: tcpdump writes LINUX_SLL2, dumpcap -y LINUX_SLL writes LINUX_SLL.
    const shortSession = async (): Promise<void> => {
      await curlSendMail({ host: '127.0.0.1', port: v4.smtp, ...STUDENT, auth: 'LOGIN', from: STUDENT.address, to: [TEACHER.address], message: 'Subject: any\r\n\r\nshort\r\n' });
    };
    await record('any-sll2', 'tcpdump -i any (LINUX_SLL2) of a short curl SMTP session (AUTH LOGIN)', ['smtp'], { smtp: v4.smtp }, (out) =>
      captureTraffic({ iface: 'any', bpf: smtpBpf(v4), out }, shortSession),
    );
    await record('any-sll', 'dumpcap -i any -y LINUX_SLL of a short curl SMTP session (AUTH LOGIN)', ['smtp'], { smtp: v4.smtp }, (out) =>
      captureWithDumpcap({ iface: 'any', linktype: 'LINUX_SLL', bpf: smtpBpf(v4), out }, shortSession),
    );
  } finally {
    await v4.server.close();
    await v6?.server.close();
  }
  const buildMs = Date.now() - started;
  log(`capture set made in ${buildMs} ms`);
  return { key, version: CAPTURE_SET_VERSION, dir, createdAt: new Date().toISOString(), buildMs, reused: false, captures, mails };
}
