/**
 * Live capture benchmark (issue: live capture and hosts): capture on lo while a loopback generator
 * (bench/udp-sender.ts, a separate process) sends UDP at 20,000 packets/s for 30 s, with tcpdump
 * capturing the same traffic at the same time. Prints frames stored by the engine vs tcpdump's count,
 * the event-loop lag of this process (which owns the engine, like Electron's main process) and the
 * highest rate of client count updates per second (target ≤ 20). Then a 200,000 packets/s burst for 2 s.
 * Environment: LIVE_SECONDS (default 30), LIVE_RATE (default 20000).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Workbench } from '../src/main/engine/workbench';

const seconds = Number(process.env.LIVE_SECONDS ?? 30);
const rate = Number(process.env.LIVE_RATE ?? 20000);
const dir = mkdtempSync(join(tmpdir(), 'wirelab-live-bench-'));
const sender = join(process.cwd(), 'out', 'bench', 'udp-sender.mjs');

function tcpdumpCount(file: string): number {
  const r = spawnSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  const m = /Number of packets:\s+(\d+)/.exec(r.stdout);
  return m ? Number(m[1]) : -1;
}

async function run(label: string, pps: number, secs: number, port: number): Promise<void> {
  const workbench = new Workbench({ labServer: false, capture: { spoolDir: join(dir, label), backend: 'cap' } });
  const perSecond = new Map<number, number>();
  workbench.events.on('view.onCounts', () => {
    const s = Math.floor(Date.now() / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  });
  const refFile = join(dir, `${label}-tcpdump.pcap`);
  const tcpdump = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-B', '65536', '-U', '-n', '-w', refFile, `udp port ${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((r) => tcpdump.stderr.on('data', (b: Buffer) => b.toString().includes('listening') && r()));
  await workbench['capture.start']({ iface: 'lo', captureFilter: `udp port ${port}` });
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const gen = spawn(process.execPath, [sender, String(port), String(pps), String(secs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let sentText = '';
  gen.stdout.on('data', (b: Buffer) => (sentText += b.toString()));
  await new Promise((r) => gen.once('exit', r));
  await new Promise((r) => setTimeout(r, 1500));
  lag.disable();
  const status = await workbench['capture.stop']();
  tcpdump.kill('SIGINT');
  await new Promise((r) => tcpdump.once('exit', r));
  const reference = tcpdumpCount(refFile);
  const maxUpdates = Math.max(0, ...perSecond.values());
  console.log(
    `${label.padEnd(24)} sent ${sentText.trim().padStart(8)} | wirelab stored ${String(workbench.packetStore.size).padStart(8)} ` +
      `(live ${status.packets}) | tcpdump ${String(reference).padStart(8)} | ` +
      `event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms max ${(lag.max / 1e6).toFixed(1)} ms (p99 < 50) | ` +
      `count updates ≤ ${maxUpdates}/s (≤ 20)`,
  );
}

await run(`${rate} pps × ${seconds} s`, rate, seconds, 47001);
await run('200000 pps burst × 2 s', 200_000, 2, 47002);
