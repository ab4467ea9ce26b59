/**
 * `wirelab -i lo …`: live capture from the command line with tshark's flags, run in-process through
 * `main(argv, io)` while the test sends UDP datagrams to a socket on 127.0.0.1 (each test its own port,
 * named in the BPF filter, since other tests capture on lo too). What is checked: autostop by packets
 * and duration, `-c`, `-T fields` and `-Y` printing while capturing, `-w` read back by tshark and
 * compared byte for byte with tcpdump capturing the same traffic, BPF/interface errors (exit code, no
 * file), `-D` and `-i <number>`, `-r` with `-i`, and SIGINT (in-process and a real signal to the CLI
 * bundled and run as its own process).
 */
import { createSocket, type Socket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { main, type CliIO } from '../../src/main/cli/index';
import { cliSpoolDir } from '../../src/main/cli/capture';
import { readCaptureFileSync } from '../../src/main/engine/file/reader';
import { captureTraffic } from '../support/capture';
import { run, sleep } from '../support/tools';
import { tsharkFields } from '../support/tshark';

const dir = mkdtempSync(join(tmpdir(), 'wirelab-cli-capture-'));
const sockets: Socket[] = [];

/** server binds a UDP socket on 127.0.0.1 (so datagrams to it draw no ICMP) and returns its port. */
async function server(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  sockets.push(s);
  return s.address().port;
}

let client: Socket;
beforeAll(() => {
  client = createSocket('udp4');
});
afterAll(() => {
  client.close();
  for (const s of sockets) s.close();
});

const payload = (i: number): string => `wirelab live ${String(i).padStart(3, '0')}`;
const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

async function send(port: number, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await new Promise<void>((r) => client.send(payload(i), port, '127.0.0.1', () => r()));
}

interface LiveRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * wirelab runs `main(args)` and, once it printed "Capturing on" and had 300 ms to open the interface,
 * calls `drive` (the traffic); `stdoutAt` collects what stdout held when drive finished.
 */
async function wirelab(args: string[], drive?: () => Promise<void>): Promise<LiveRun & { stdoutAtDrive: string }> {
  let stdout = '';
  let stderr = '';
  let onStart: () => void = () => undefined;
  const started = new Promise<void>((r) => (onStart = r));
  const io: CliIO = {
    stdout: (s) => (stdout += s),
    stderr: (s) => {
      stderr += s;
      if (stderr.includes('Capturing on')) onStart();
    },
    sameTarget: false,
  };
  const t0 = Date.now();
  const running = main(args, io);
  let stdoutAtDrive = '';
  if (drive) {
    await Promise.race([started, running]);
    await sleep(300);
    await drive();
    await sleep(200);
    stdoutAtDrive = stdout;
  }
  const code = await running;
  return { code, stdout, stderr, ms: Date.now() - t0, stdoutAtDrive };
}

describe('wirelab -i lo (live capture)', () => {
  it('-a packets:N stops by itself after N packets and prints N summary lines as tshark', async () => {
    const port = await server();
    const r = await wirelab(['-i', 'lo', '-f', `udp port ${port}`, '-a', 'packets:5', '-a', 'duration:20'], () => send(port, 8));
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    lines.forEach((line, i) => {
      // tshark's live layout: nanosecond times (9 decimals), as dumpcap's pcapng.
      expect(line).toMatch(new RegExp(`^ +${i + 1} +\\d+\\.\\d{9} +127\\.0\\.0\\.1 → 127\\.0\\.0\\.1 +UDP 58 \\d+ → ${port} Len=16$`));
    });
    expect(r.stderr).toBe("Capturing on 'Loopback: lo'\n5 packets captured\n");
    expect(r.ms).toBeLessThan(10_000);
  });

  it('-T fields prints the payloads as the packets arrive; -c N stops after N', async () => {
    const port = await server();
    const r = await wirelab(
      ['-i', 'lo', '-f', `udp port ${port}`, '-c', '4', '-a', 'duration:20', '-T', 'fields', '-e', 'frame.number', '-e', 'udp.dstport', '-e', 'data.data'],
      () => send(port, 4),
    );
    expect(r.code).toBe(0);
    const expected = [1, 2, 3, 4].map((i) => `${i}\t${port}\t${hex(payload(i))}\n`).join('');
    expect(r.stdout).toBe(expected);
    // Line-buffered: everything was printed while the capture was still running (before main returned).
    expect(r.stdoutAtDrive).toBe(expected);
    expect(r.stderr).toMatch(/4 packets captured\n$/);
  });

  it('-Y filters while capturing (frames keep their capture numbers; -c counts captured packets)', async () => {
    const port = await server();
    const r = await wirelab(
      ['-i', 'lo', '-c', '6', '-Y', 'frame.number >= 5 || data.data contains "001"', '-T', 'fields', '-e', 'frame.number', '-e', 'data.data', `udp port ${port}`],
      () => send(port, 6),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([1, 5, 6].map((i) => `${i}\t${hex(payload(i))}\n`).join(''));
  });

  it('-V and -x print the packet tree and bytes live', async () => {
    const port = await server();
    const r = await wirelab(['-i', 'lo', '-f', `udp port ${port}`, '-a', 'packets:1', '-V', '-x'], () => send(port, 1));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Frame 1: 58 bytes on wire \(464 bits\), 58 bytes captured \(464 bits\) on interface lo, id 0\n/);
    expect(r.stdout).toContain(`User Datagram Protocol, Src Port: `);
    expect(r.stdout).toContain(`, Dst Port: ${port}\n`);
    expect(r.stdout).toContain('    Data: 776972656c6162206c69766520303031\n');
    expect(r.stdout).toMatch(/wirela\n0030 {2}62 20 6c 69 76 65 20 30 30 31 +b live 001\n\n$/);
  });

  it('-w writes a pcapng that tshark reads with the same packets as tcpdump captured', async () => {
    const port = await server();
    const out = join(dir, 'live.pcapng');
    const reference = join(dir, 'live-tcpdump.pcap');
    let r: LiveRun | undefined;
    await captureTraffic({ iface: 'lo', bpf: `udp port ${port}`, out: reference, graceMs: 300 }, async () => {
      r = await wirelab(['-i', 'lo', '-f', `udp port ${port}`, '-w', out, '-a', 'packets:6', '-a', 'duration:20'], () => send(port, 6));
    });
    expect(r!.code).toBe(0);
    expect(r!.stdout).toBe('');
    expect(r!.stderr).toMatch(/6 packets captured\n$/);
    const tshark = await tsharkFields(out, ['frame.number', 'udp.dstport', 'data.data']);
    expect(tshark).toEqual([1, 2, 3, 4, 5, 6].map((i) => [String(i), String(port), hex(payload(i))]));
    const info = await run('capinfos', ['-t', '-E', out]);
    expect(info.stdout).toMatch(/File type:\s+Wireshark\/\.\.\. - pcapng/);
    expect(info.stdout).toMatch(/File encapsulation:\s+Ethernet/);
    const ours = readCaptureFileSync(out);
    const theirs = readCaptureFileSync(reference);
    expect(ours.error).toBeNull();
    expect(ours.records.map((x) => Buffer.from(x.data).toString('hex'))).toEqual(theirs.records.map((x) => Buffer.from(x.data).toString('hex')));
    expect(ours.info?.interfaces[0]).toMatchObject({ name: 'lo', tsResolNs: 1 });
  });

  it('-F pcap writes a microsecond pcap', async () => {
    const port = await server();
    const out = join(dir, 'live.pcap');
    const r = await wirelab(['-i', 'lo', '-f', `udp port ${port}`, '-w', out, '-F', 'pcap', '-a', 'packets:2'], () => send(port, 2));
    expect(r.code).toBe(0);
    const file = readCaptureFileSync(out);
    expect(file.info?.format).toBe('pcap');
    expect(file.info?.nanosecond).toBe(false);
    expect(file.records).toHaveLength(2);
  });

  it('-a duration:1 stops after about a second (and still writes the empty file, as tshark)', async () => {
    const port = await server();
    const out = join(dir, 'empty.pcapng');
    const r = await wirelab(['-i', 'lo', '-f', `udp port ${port}`, '-a', 'duration:1', '-w', out]);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.ms).toBeLessThan(4000);
    expect(r.stderr).toBe("Capturing on 'Loopback: lo'\n0 packets captured\n");
    const tshark = await tsharkFields(out, ['frame.number']);
    expect(tshark).toEqual([]);
  });

  it('a bad BPF filter is an error (exit 1, as tshark) and creates no file', async () => {
    const out = join(dir, 'bad.pcapng');
    const r = await wirelab(['-i', 'lo', '-f', 'udp portt 25', '-w', out, '-a', 'duration:5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Capturing on 'Loopback: lo'\nwirelab: Invalid capture filter "udp portt 25": .*syntax error.*\n0 packets captured\n$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad.pcapng'))).toEqual([]);
  });

  it('an unknown interface is an error (exit 1) and creates no file', async () => {
    const out = join(dir, 'nodev.pcapng');
    const r = await wirelab(['-i', 'wirelab-nosuch0', '-w', out, '-a', 'duration:5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/wirelab: There is no interface "wirelab-nosuch0"/);
    expect(r.stderr).toMatch(/0 packets captured\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('-D lists lo with its number as tshark does, and -i <number> captures on it', async () => {
    const d = await wirelab(['-D']);
    expect(d.code).toBe(0);
    const lines = d.stdout.trimEnd().split('\n');
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^${i + 1}\\. \\S+( \\(.+\\))?$`)));
    const lo = lines.find((l) => / lo \(Loopback\)$/.test(l));
    expect(lo).toBeDefined();
    const number = lo!.split('.')[0];
    // tshark numbers the same interfaces the same way (tshark adds its extcap interfaces after them).
    const tshark = await run('tshark', ['-D'], { allowFailure: true });
    expect(tshark.stdout).toContain(`${number}. lo (Loopback)\n`);

    const port = await server();
    const r = await wirelab(['-i', number, '-f', `udp port ${port}`, '-a', 'packets:2', '-T', 'fields', '-e', 'data.data'], () => send(port, 2));
    expect(r.code).toBe(0);
    expect(r.stderr.startsWith("Capturing on 'Loopback: lo'\n")).toBe(true);
    expect(r.stdout).toBe(`${hex(payload(1))}\n${hex(payload(2))}\n`);

    const bad = await wirelab(['-i', String(lines.length + 1), '-a', 'duration:1']);
    expect(bad).toMatchObject({ code: 1, stderr: 'wirelab: There is no interface with that adapter index\n' });
  });

  it('-r with -i, and capture options with -r, are errors', async () => {
    const both = await wirelab(['-r', 'x.pcap', '-i', 'lo']);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe('wirelab: "-r" and "-i" were both specified: read a capture file or capture on an interface, not both.\n');
    const f = await wirelab(['-r', 'x.pcap', '-f', 'udp']);
    expect(f).toMatchObject({ code: 1, stderr: 'wirelab: Only read filters, not capture filters, can be specified when reading a capture file.\n' });
    const two = await wirelab(['-i', 'lo', '-2']);
    expect(two).toMatchObject({ code: 1, stderr: 'wirelab: Live captures do not support two-pass analysis.\n' });
  });

  it('SIGINT stops the capture cleanly, with the count on stderr', async () => {
    const port = await server();
    const r = await wirelab(['-i', 'lo', '-f', `udp port ${port}`, '-T', 'fields', '-e', 'frame.number'], async () => {
      await send(port, 3);
      await sleep(300);
      process.emit('SIGINT', 'SIGINT');
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1\n2\n3\n');
    expect(r.stderr).toBe("Capturing on 'Loopback: lo'\n3 packets captured\n");
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('a real SIGINT to the wirelab process stops it, prints the count, keeps the -w file and removes the spool', async () => {
    const bundle = resolve('node_modules/.cache/wirelab-test/cli-live.mjs');
    await run(resolve('node_modules/.bin/rolldown'), [resolve('src/main/cli/index.ts'), '--platform', 'node', '--format', 'esm',
      '--external', 'cap', '--external', 'smtp-server', '--external', 'ws', '--inline-dynamic-imports', '-o', bundle]);
    const port = await server();
    const out = join(dir, 'sigint.pcapng');
    const child = spawn(process.execPath, [bundle, '-i', 'lo', '-f', `udp port ${port}`, '-w', out], { stdio: ['ignore', 'pipe', 'pipe'], cwd: resolve('.') });
    // A failing assertion must not leave the capture running.
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    await new Promise<void>((ready, fail) => {
      child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (stderr.includes('Capturing on')) ready();
      });
      child.once('exit', (code) => fail(new Error(`wirelab exited ${code}: ${stderr}`)));
    });
    await sleep(500);
    await send(port, 3);
    await sleep(300);
    const spools = existsSync(cliSpoolDir()) ? readdirSync(cliSpoolDir()).filter((f) => f.endsWith(`-${child.pid}.pcapng`)) : [];
    expect(spools.length).toBe(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).toMatch(/3 packets captured\n$/);
    expect(readCaptureFileSync(out).records).toHaveLength(3);
    const left = existsSync(cliSpoolDir()) ? readdirSync(cliSpoolDir()).filter((f) => f.endsWith(`-${child.pid}.pcapng`)) : [];
    expect(left).toEqual([]);
  });
});
