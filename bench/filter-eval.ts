/**
 * Display-filter evaluation speed: ns per frame for 1M evaluations of five typical lab filters over
 * synthetic FrameFields (a pool of distinct frames — SMTP commands and replies, other TCP, UDP —
 * evaluated round-robin, so the figure is the filter's cost, not the dissector's). There is no tshark
 * figure here: tshark cannot time filter evaluation apart from dissection (see cli-vs-tshark for the
 * end-to-end comparison).
 *
 * Run: npm run bench -- filter-eval   (or: npx tsx bench/filter-eval.ts)
 */
import { compileFilter } from '../src/shared/filter';
import type { FrameFields } from '../src/shared/model';
import { fakeFrame, span, type FrameSpec } from '../test/support/fake-frame';
import { makeFilterRegistry } from '../test/support/filter-registry';

const EVALUATIONS = 1_000_000;
const POOL = 1024;
const WARMUP = 100_000;
const NS_PER_MS = 1e6;
const FILTERS = [
  'tcp.port==25',
  'smtp',
  'smtp.req.command == "MAIL"',
  'ip.addr == 192.168.0.0/16 && tcp.len > 0',
  'smtp contains "Mail OK"',
];
const COMMANDS = ['EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT', 'mail'];
const HEADERS = 54;

function frameFor(registry: ReturnType<typeof makeFilterRegistry>, i: number): FrameFields {
  const kind = i % 4;
  const ipBase = (i & 1 ? 0xc0a80000 : 0x0a000000) >>> 0;
  const spec: FrameSpec = {
    frame: [span(0, HEADERS)],
    eth: [span(0, 14)],
    ip: [span(14, 20)],
    'ip.addr': [(ipBase + 1) >>> 0, (ipBase + 2) >>> 0],
  };
  let payload = '';
  if (kind === 3) {
    spec.udp = [span(34, 8)];
    spec['udp.port'] = [53, 40000 + (i % 1000)];
  } else {
    const port = kind === 2 ? 443 : 25;
    spec.tcp = [span(34, 20)];
    spec['tcp.port'] = [40000 + (i % 1000), port];
    if (kind === 0) payload = `${COMMANDS[(i >> 2) % COMMANDS.length]} FROM:<a@b>\r\n`;
    if (kind === 1) payload = i % 3 === 0 ? '250 2.1.0 Mail OK\r\n' : '250 2.0.0 Ok\r\n';
    spec['tcp.len'] = [payload.length];
    if (kind === 0) spec['smtp.req.command'] = [COMMANDS[(i >> 2) % COMMANDS.length]!];
    if (kind === 0 || kind === 1) spec.smtp = [span(HEADERS, payload.length)];
  }
  const bytes = new Uint8Array(HEADERS + payload.length);
  bytes.set(new TextEncoder().encode(payload), HEADERS);
  return fakeFrame(registry, spec, bytes);
}

function main(): void {
  const registry = makeFilterRegistry();
  const frames = Array.from({ length: POOL }, (_, i) => frameFor(registry, i));
  console.log(`filter-eval: ${EVALUATIONS.toLocaleString('en')} evaluations per filter over a pool of ${POOL} synthetic frames`);
  for (const text of FILTERS) {
    const result = compileFilter(text, registry);
    if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
    const evaluate = result.filter.evaluate;
    let matched = 0;
    for (let i = 0; i < WARMUP; i++) if (evaluate(frames[i % POOL]!)) matched++;
    matched = 0;
    const started = performance.now();
    for (let i = 0; i < EVALUATIONS; i++) if (evaluate(frames[i % POOL]!)) matched++;
    const elapsedMs = performance.now() - started;
    const nsPerFrame = (elapsedMs * NS_PER_MS) / EVALUATIONS;
    console.log(
      `  ${text.padEnd(45)} ${nsPerFrame.toFixed(1).padStart(7)} ns/frame  ${elapsedMs.toFixed(0).padStart(5)} ms total  ${matched} matched`,
    );
  }
}

main();
