/**
 * Writes the benchmark's synthetic capture: N packets (default 1,000,000, about 225 MB) of mixed lab
 * traffic — SMTP sessions in line mode and typed one key per segment, POP3 sessions with RETR of
 * multi-segment messages, bulk TCP transfers, DNS queries — with consistent TCP sequence numbers so
 * that tshark and Wirelab reassemble it like a real capture. Deterministic (seeded), so figures compare.
 *
 * Usage: node out/bench/gen-capture.mjs OUT.pcap [PACKETS]
 */
import { openCaptureWriter } from '../src/main/engine/file/writer';
import { Clock, TcpConversation, dnsPayloads, ipv4, udpFrame, type Emit } from './lib/packets';

/** mulberry32 is a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
const b64 = (s: string) => Buffer.from(s).toString('base64');

function smtpSession(c: TcpConversation, typed: boolean, bodyBytes: number, rnd: () => number): void {
  const say = (text: string) => c.send(false, enc.encode(text));
  const cmd = (text: string) => (typed ? c.type(text + '\n') : c.send(true, enc.encode(text + '\r\n')));
  c.open();
  say('220 mail.wirelab.lab Anti-spam GT for Coremail System (wirelab)\r\n');
  cmd('ehlo li');
  say('250-mail\r\n250-PIPELINING\r\n250-AUTH LOGIN PLAIN\r\n250-AUTH=LOGIN PLAIN\r\n250-STARTTLS\r\n250 8BITMIME\r\n');
  cmd('auth login');
  say('334 dXNlcm5hbWU6\r\n');
  cmd(b64(`student${Math.floor(rnd() * 100)}`));
  say('334 UGFzc3dvcmQ6\r\n');
  cmd(b64('lab0418'));
  say('235 Authentication successful\r\n');
  cmd('mail from: <student@wirelab.lab>');
  say('250 Mail OK\r\n');
  cmd('rcpt to: <teacher@wirelab.lab>');
  say('250 Mail OK\r\n');
  cmd('data');
  say('354 End data with <CR><LF>.<CR><LF>\r\n');
  let body = 'From: student@wirelab.lab\r\nTo: teacher@wirelab.lab\r\nSubject: SMTP commands test\r\n\r\n';
  while (body.length < bodyBytes) body += 'This is just a test of the lab capture, line ' + body.length + '.\r\n';
  c.send(true, enc.encode(body + '.\r\n'));
  say('250 Mail OK queued as smtp3.DdGowECJxFyCS3URJJPGAw--.1260S2 1366641607\r\n');
  cmd('quit');
  say('221 Bye\r\n');
  c.close();
}

function popSession(c: TcpConversation, typed: boolean, bodyBytes: number): void {
  const say = (text: string) => c.send(false, enc.encode(text));
  const cmd = (text: string) => (typed ? c.type(text + '\n') : c.send(true, enc.encode(text + '\r\n')));
  c.open();
  say('+OK Welcome to Wirelab POP3 server\r\n');
  cmd('user student');
  say('+OK\r\n');
  cmd('pass lab0418');
  say('+OK 2 message(s) [' + bodyBytes * 2 + ' byte(s)]\r\n');
  cmd('stat');
  say(`+OK 2 ${bodyBytes * 2}\r\n`);
  cmd('list');
  say(`+OK 2 ${bodyBytes * 2}\r\n1 ${bodyBytes}\r\n2 ${bodyBytes}\r\n.\r\n`);
  cmd('retr 1');
  let body = 'From: teacher@wirelab.lab\r\nTo: student@wirelab.lab\r\nSubject: Lab results\r\n\r\n';
  while (body.length < bodyBytes) body += 'Your capture shows every SMTP command, line ' + body.length + '.\r\n';
  say(`+OK ${body.length} octets\r\n${body}.\r\n`);
  cmd('quit');
  say('+OK core mail\r\n');
  c.close();
}

function bulkSession(c: TcpConversation, bytes: number): void {
  c.open();
  c.send(true, enc.encode('GET /lab-materials.zip HTTP/1.1\r\nHost: files.wirelab.lab\r\n\r\n'));
  const data = new Uint8Array(bytes);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 255;
  c.send(false, data);
  c.close();
}

/** generate writes `packets` packets (approximately: the last session completes) to `out`. */
export function generate(out: string, packets: number, seed = 418): { packets: number; bytes: number } {
  const writer = openCaptureWriter(out, { format: 'pcap', linktype: 1, nanosecond: false, atomic: true });
  let count = 0;
  let bytes = 0;
  const emit: Emit = (frame, sec, nsec) => {
    writer.write({ tsSec: sec, tsNsec: nsec - (nsec % 1000), data: frame });
    count++;
    bytes += frame.length;
  };
  const rnd = prng(seed);
  const clock = new Clock(1_776_000_000);
  let port = 40000;
  const nextPort = () => (port = port >= 65000 ? 40000 : port + 1);
  while (count < packets) {
    const client = ipv4(`192.168.${1 + Math.floor(rnd() * 20)}.${2 + Math.floor(rnd() * 200)}`);
    const r = rnd();
    clock.advance(200);
    if (r < 0.3) {
      const c = new TcpConversation(emit, clock, client, ipv4('10.0.0.25'), nextPort(), 25, Math.floor(rnd() * 2 ** 32));
      smtpSession(c, rnd() < 0.3, 800 + Math.floor(rnd() * 6000), rnd);
    } else if (r < 0.5) {
      const c = new TcpConversation(emit, clock, client, ipv4('10.0.0.110'), nextPort(), 110, Math.floor(rnd() * 2 ** 32));
      popSession(c, rnd() < 0.3, 1000 + Math.floor(rnd() * 8000));
    } else if (r < 0.58) {
      const c = new TcpConversation(emit, clock, client, ipv4('10.0.0.80'), nextPort(), 33333, Math.floor(rnd() * 2 ** 32));
      bulkSession(c, 20_000 + Math.floor(rnd() * 120_000));
    } else {
      const id = Math.floor(rnd() * 65536);
      const [q, a] = dnsPayloads(id, `mail${Math.floor(rnd() * 50)}.wirelab.lab`, ipv4('10.0.0.25'));
      const sport = nextPort();
      clock.advance(30);
      emit(udpFrame(client, ipv4('10.0.0.53'), sport, 53, q), clock.sec, clock.nsec);
      clock.advance(300);
      emit(udpFrame(ipv4('10.0.0.53'), client, 53, sport, a), clock.sec, clock.nsec);
    }
  }
  writer.close();
  return { packets: count, bytes };
}

const isMain = process.argv[1] && /gen-capture\.(mjs|js|ts)$/.test(process.argv[1]);
if (isMain) {
  const out = process.argv[2];
  const packets = Number(process.argv[3] ?? 1_000_000);
  if (!out || !Number.isInteger(packets) || packets < 1) {
    process.stderr.write('Usage: gen-capture OUT.pcap [PACKETS]\n');
    process.exit(1);
  }
  const started = Date.now();
  const result = generate(out, packets);
  process.stdout.write(
    `wrote ${out}: ${result.packets} packets, ${(result.bytes / 1e6).toFixed(1)} MB of frames in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
