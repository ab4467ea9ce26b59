/**
 * The CLI's parallel reader (src/main/cli/parallel.ts): with worker threads (forced onto small files by
 * WIRELAB_WORKERS) the bundled `wirelab` must print exactly what one thread prints — stdout bytes,
 * stderr and exit code — for summaries, filters and fields, on a synthetic capture with hundreds of
 * address pairs (so the shards really split conversations across workers), on every lab capture
 * (Ethernet, SLL, SLL2, IPv6, pcapng) and on a merged pcapng with several link types and packet
 * comments; and where our output equals tshark's, the parallel output equals tshark's too. Runs that
 * read something numbered across the whole file (`tcp.stream`) must fall back to one thread.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliTestBed } from '../support/cli-bed';
import { run, type RunResult } from '../support/tools';
import { tsharkRaw } from '../support/tshark';
import { bucketShards, parallelRefusal, runParallel, shardCount } from '../../src/main/cli/parallel';
import { parseArgs, type CliOptions } from '../../src/main/cli/args';
import { planRun } from '../../src/main/cli/plan';

const bed = cliTestBed('wirelab-parallel-');
const wirelab = bed.wirelab;

/** same runs `args` on one thread and with each count of workers and expects identical results. */
async function same(args: string[], counts = [2]): Promise<RunResult> {
  const one = await wirelab(args, 0);
  for (const workers of counts) {
    const many = await wirelab(args, workers);
    expect(many.stderr, `${args.join(' ')} with ${workers} workers`).toBe(one.stderr);
    expect(many.code).toBe(one.code);
    expect(many.stdoutBytes.equals(one.stdoutBytes), `${args.join(' ')} with ${workers} workers: stdout differs`).toBe(true);
  }
  return one;
}

const FIELDS = ['-T', 'fields', '-E', 'header=y', '-E', 'occurrence=a', '-e', 'frame.number', '-e', 'frame.time_delta', '-e', 'frame.time_relative', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.analysis.flags', '-e', 'tcp.reassembled_in', '-e', 'smtp.req.command', '-e', 'pop.response', '-e', 'imf.subject', '-e', '_ws.col.Info'];

describe('parallel reader on a capture with many address pairs', () => {
  it('shards the bed.synthetic capture across the workers', () => {
    // ~12k frames of SMTP/POP/bulk/DNS between ~4000 client addresses and 4 servers.
    expect(statSync(bed.synthetic).size).toBeGreaterThan(1_000_000);
  });

  for (const args of [[], ['-t', 'd', '-Y', 'smtp'], ['-t', 'ad'], ['-Y', 'tcp.port==25'], ['-Y', 'smtp || pop || dns'], ['-Y', 'tcp.analysis.flags || tcp.segments || imf'], FIELDS, ['-c', '4321', '-Y', 'pop'], ['-n', '-Y', 'frame.number > 6000 && udp']]) {
    it(`prints the same as one thread: ${args.join(' ') || '(summary)'}`, async () => {
      const one = await same(['-r', bed.synthetic, ...args], args.length === 0 || args === FIELDS ? [2, 3] : [2]);
      expect(one.code).toBe(0);
      expect(one.stdout.split('\n').length).toBeGreaterThan(20);
    });
  }

  it('equals tshark where one thread does (-Y "tcp.port==25": summary and SMTP fields)', async () => {
    for (const args of [['-Y', 'tcp.port==25'], ['-Y', 'tcp.port==25', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'smtp.req.command', '-e', 'smtp.response.code']]) {
      const ours = await wirelab(['-r', bed.synthetic, ...args], 2);
      const theirs = await tsharkRaw(['-r', bed.synthetic, '-o', 'tcp.desegment_tcp_streams:TRUE', ...args]);
      expect(theirs.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    }
  });

  it('falls back to one thread when output reads tcp.stream or the previous displayed frame', async () => {
    // Sharded, these would number streams per worker and time deltas per shard.
    for (const args of [['-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'udp.stream'], ['-Y', 'tcp.stream == 7'], ['-Y', 'smtp', '-T', 'fields', '-e', 'frame.time_delta_displayed']]) {
      const one = await same(['-r', bed.synthetic, ...args]);
      expect(one.stdout.split('\n').length).toBeGreaterThan(10);
    }
    const theirs = await tsharkRaw(['-r', bed.synthetic, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'udp.stream']);
    expect((await wirelab(['-r', bed.synthetic, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'udp.stream'], 2)).stdout).toBe(theirs.stdout);
  });

  it('reports a damaged tail after the same frames, with the same message and exit code', async () => {
    const cut = path.join(bed.work, 'cut.pcap');
    const bytes = readFileSync(bed.synthetic);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 37));
    const one = await same(['-r', cut, '-Y', 'smtp']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/cut short in the middle of a packet/);
  });

  it('reads a gzip-compressed capture the same way', async () => {
    const gz = path.join(bed.work, 'synthetic.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(bed.synthetic)));
    const one = await same(['-r', gz, '-Y', 'pop || smtp']);
    expect(one.code).toBe(0);
  });

  it('stops quietly when the reader of its output goes away (| head)', async () => {
    const child = spawn(process.execPath, [bed.cli, '-r', bed.synthetic], { env: { ...process.env, WIRELAB_WORKERS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toMatch(/^ {4}1 /);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('parallel reader on the lab captures', () => {
  it('prints the same as one thread for every capture and format', async () => {
    for (const c of bed.captures) {
      const decodeAs = c.decodeAs.flatMap((rule) => ['-d', rule]);
      await same(['-r', c.pcapng, ...decodeAs]);
      await same(['-r', c.file, ...decodeAs, '-Y', 'smtp || pop', ...FIELDS]);
    }
  }, 240_000);

  it('keeps several link types and packet comments of a merged pcapng', async () => {
    const merged = path.join(bed.work, 'merged.pcapng');
    const parts = bed.captures.filter((c) => ['smtp-handout', 'any-sll2', 'any-sll', 'mixed-ipv6'].includes(c.name)).map((c) => c.file);
    await run('mergecap', ['-w', merged, ...parts]);
    const commented = path.join(bed.work, 'commented.pcapng');
    await run('editcap', ['-a', '3:first comment', '-a', '40:second comment', merged, commented]);
    const one = await same(['-r', commented, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.interface_id', '-e', 'frame.comment', '-e', 'frame.protocols', '-e', '_ws.col.Info']);
    expect(one.stdout).toContain('first comment');
    expect(new Set(one.stdout.split('\n').map((l) => l.split('\t')[1])).size).toBeGreaterThan(1);
  });
});

describe('when the reader shards', () => {
  const plan = (argv: string[]): { o: CliOptions; refusal: string | undefined } => {
    const parsed = parseArgs(argv);
    if (!parsed.ok) throw new Error(parsed.error.lines.join('\n'));
    const planned = planRun(parsed.options);
    if (!planned.ok) throw new Error(planned.message);
    return { o: parsed.options, refusal: parallelRefusal(parsed.options, planned.plan) };
  };

  it('shards summaries, filters and fields that stay within a conversation', () => {
    for (const argv of [['-r', 'f'], ['-r', 'f', '-Y', 'smtp'], ['-r', 'f', '-Y', 'tcp.port==25'], ['-r', 'f', '-T', 'fields', '-e', 'ip.src', '-e', '_ws.col.Info'], ['-r', 'f', '-c', '10']]) {
      expect(plan(argv).refusal, argv.join(' ')).toBeUndefined();
    }
  });

  it('refuses what reads other shards or one session', () => {
    const refused: [string[], RegExp][] = [
      [['-r', 'f', '-T', 'fields', '-e', 'tcp.stream'], /tcp\.stream/],
      [['-r', 'f', '-Y', 'udp.stream == 1'], /udp\.stream/],
      [['-r', 'f', '-T', 'fields', '-e', 'frame.time_delta_displayed'], /time_delta_displayed/],
      [['-r', 'f', '-V'], /previous displayed/],
      [['-r', 'f', '-x'], /previous displayed/],
      [['-r', 'f', '-T', 'json'], /previous displayed/],
      [['-r', 'f', '-2'], /-2/],
      [['-r', 'f', '-w', 'out.pcap'], /-w/],
      [['-r', 'f', '-z', 'credentials'], /-z/],
      [['-r', 'f', '-q'], /nothing printed/],
      [['-r', 'f', '-l'], /-l/],
      [['-r', 'f', '-t', 'dd'], /-t dd/],
      [['-r', 'f', '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.srcport'], /only headers/],
    ];
    for (const [argv, reason] of refused) expect(plan(argv).refusal, argv.join(' ')).toMatch(reason);
  });

  it('deals every hash bucket to a shard, a little less to the main thread', () => {
    for (const n of [2, 3, 4, 16]) {
      const counts = new Array<number>(n).fill(0);
      for (const shard of bucketShards(n)) counts[shard]++;
      expect(counts.every((c) => c > 0)).toBe(true);
      expect(counts[0]).toBeLessThan(Math.min(...counts.slice(1)));
      expect(Math.max(...counts.slice(1)) - Math.min(...counts.slice(1))).toBeLessThanOrEqual(1);
    }
  });

  it('rejects, without hanging, when a worker fails or exits while batches are out', async () => {
    const parsed = parseArgs(['-r', bed.synthetic]);
    if (!parsed.ok) throw new Error(parsed.error.lines.join('\n'));
    const planned = planRun(parsed.options);
    if (!planned.ok) throw new Error(planned.message);
    const cases: [string, RegExp][] = [
      ["parentPort.on('message', () => { throw new Error('boom'); });", /a dissection worker failed: boom/],
      ["parentPort.on('message', () => process.exit(3));", /a dissection worker exited with code 3/],
    ];
    for (const [body, message] of cases) {
      const file = path.join(bed.work, 'bad-worker.mjs');
      writeFileSync(file, `import { parentPort } from 'node:worker_threads';\n${body}\n`);
      let written = 0;
      const done = runParallel({ path: bed.synthetic, file: pathToFileURL(file), shards: 2, plan: planned.plan, options: parsed.options, out: (b) => (written += b.length) });
      await expect(done).rejects.toThrow(message);
      // Nothing after the first batch the worker never answered is written.
      expect(written).toBe(0);
    }
  });

  it('leaves a socket stdout in blocking mode while workers run, and passes their stderr on', async () => {
    // A parent that collects the output (spawn, spawnSync) hands over one end of a socket pair. Node
    // switches it to non-blocking mode when anything touches process.stdout — as piping a worker's
    // stdout into it would — and every full socket buffer then costs a retry wait instead of one write.
    if (process.platform !== 'linux') return;
    const script = path.join(bed.work, 'flags.mjs');
    writeFileSync(
      script,
      [
        "import { readFileSync, writeSync } from 'node:fs';",
        `const { main } = await import(${JSON.stringify(pathToFileURL(bed.cli).href)});`,
        'const code = await main(process.argv.slice(2));',
        "const flags = /flags:\\s*(\\d+)/.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))[1];",
        "writeSync(2, `code ${code} flags ${flags}\\n`);",
      ].join('\n'),
    );
    const child = spawn(process.execPath, [script, '-r', bed.synthetic], { env: { ...process.env, TZ: 'UTC', WIRELAB_WORKERS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.length));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    const m = /code (\d+) flags (\d+)/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(Number(m![1])).toBe(0);
    expect(parseInt(m![2], 8) & 0o4000, 'O_NONBLOCK on stdout').toBe(0);
    expect(stdout).toBe((await wirelab(['-r', bed.synthetic], 0)).stdoutBytes.length);

    // A worker's stderr reaches the run's stderr sink.
    const parsed = parseArgs(['-r', bed.synthetic]);
    if (!parsed.ok) throw new Error(parsed.error.lines.join('\n'));
    const planned = planRun(parsed.options);
    if (!planned.ok) throw new Error(planned.message);
    const file = path.join(bed.work, 'warning-worker.mjs');
    writeFileSync(file, "import { parentPort } from 'node:worker_threads';\nprocess.stderr.write('a warning from the worker\\n');\nparentPort.on('message', () => process.exit(3));\n");
    let err = '';
    await expect(
      runParallel({ path: bed.synthetic, file: pathToFileURL(file), shards: 2, plan: planned.plan, options: parsed.options, out: () => {}, err: (t) => (err += t) }),
    ).rejects.toThrow(/exited with code 3/);
    expect(err).toBe('a warning from the worker\n');
  });

  it('starts workers only for big files on several CPUs, or when told', () => {
    expect(shardCount(1_000_000, undefined)).toBe(0);
    expect(shardCount(100_000_000, '0')).toBe(0);
    expect(shardCount(100, '2')).toBe(2);
    expect(shardCount(100, '64')).toBe(16);
    expect(shardCount(100, 'lots')).toBe(0);
  });
});
