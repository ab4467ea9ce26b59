/**
 * Parallel one-pass reading of a capture file: the main thread reads records and deals them out to
 * shards by the unordered pair of their IP addresses ({@link addressPairHash}); every shard runs its own
 * session over its records in frame order, filters and formats its displayed frames
 * ({@link ShardDissector}); the main thread dissects the first shard itself, worker threads
 * (./worker.ts) the others, and the main thread writes the texts back in frame order.
 *
 * Why this gives the same output as one thread: every piece of state a dissector keeps between frames
 * (TCP streams and reassembly, IP fragments, UDP/DNS/ICMP transactions, SMTP/POP sessions) is keyed by
 * a conversation that includes both addresses, so a shard holds every frame that state can see. What is
 * NOT shard-local is refused up front by {@link parallelRefusal}: stream indexes numbered across the whole
 * file (`tcp.stream`, `udp.stream`), the previous *displayed* frame's time, -V/-x/json trees (they print
 * that time), -w, -2, -z reports and live capture all run on one thread, and so do runs that decode only
 * headers (dealing records out would cost more than it saves). Frames the peek cannot place
 * (ARP, other EtherTypes) all go to the first shard. The frame number and the times of the file's first
 * record and of the previous record travel with every record.
 *
 * Records the run's plan skips (RunPlan.skip: plain TCP segments its stream-constant filter rejects)
 * go to no shard: the reader counts them and passes their times on, and nothing is printed for them.
 *
 * Flow control: at most {@link MAX_IN_FLIGHT} chunks (1 MiB of records each) are out at once, so memory
 * stays flat however big the file is.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { addressPairHash } from '../engine/decode/flow-peek';
import type { CaptureFileInfo, CaptureRecord } from '../engine/file/types';
import type { CliOptions } from './args';
import { streamRecords, type PipelineResult } from './pipeline';
import { FILE_NUMBERED_FIELDS, type RunPlan } from './plan';
import { META, ShardDissector, type BatchMessage, type BatchReply } from './shard';

/** fields whose values depend on frames outside a shard */
const ORDER_DEPENDENT_FIELDS = new Set([...FILE_NUMBERED_FIELDS, 'frame.time_delta_displayed']);
/** chunks in flight at once (dealt and not yet written) */
const MAX_IN_FLIGHT = 6;
/** the main thread reads and deals on while a worker has fewer batches than this queued… */
const WORKER_AHEAD = 2;
/** …and its own undissected batches are no more than this */
const LOCAL_AHEAD = 2;
/** files smaller than this are read on one thread (starting workers costs more than it saves) */
const MIN_PARALLEL_BYTES = 8 * 1024 * 1024;
/** semi-space size of the worker isolates (MiB) */
const WORKER_SEMI_SPACE_MB = 32;

/**
 * parallelRefusal says why a run cannot be sharded (undefined when it can). The caller also needs the
 * built worker file and a big enough file (see {@link workerCount}).
 */
export function parallelRefusal(o: CliOptions, plan: RunPlan): string | undefined {
  if (o.readFile === undefined || o.iface !== undefined) return 'not reading a file';
  if (o.twoPass) return '-2 needs every frame in one session';
  if (o.writeFile !== undefined) return '-w writes records in the reader';
  if (plan.stats.length > 0) return '-z reports read one session';
  if (plan.verbose || plan.hex || plan.json) return 'detail trees print the previous displayed frame time';
  if (!plan.printing) return 'nothing printed';
  if (o.lineBuffered) return '-l flushes every frame';
  if (o.timeFormat === 'dd') return '-t dd prints the previous displayed frame time';
  for (const f of plan.interest) if (ORDER_DEPENDENT_FIELDS.has(f)) return `${f} is numbered across the whole file`;
  // Dealing records out and merging texts costs the main thread about 1 µs a frame: more than a shard
  // saves when frames are only decoded to their TCP/UDP headers (measured: 1M frames of `-T fields -e
  // ip.src -e tcp.srcport` took 3.6 s on one thread, 4.4 s sharded on two cores).
  if (!plan.tcpPayloads) return 'decoding only headers is cheaper than dealing records out';
  return undefined;
}

/**
 * shardCount is how many shards (the main thread plus worker threads) to use for a file of `bytes`:
 * WIRELAB_WORKERS when set (0 or 1 = one thread; tests force small files through the workers with
 * it), otherwise one per CPU (at most 4) for files of 8 MiB or more, and 0 on a single CPU.
 */
export function shardCount(bytes: number, env: string | undefined = process.env.WIRELAB_WORKERS): number {
  if (env !== undefined && env !== '') {
    const n = Number(env);
    return Number.isInteger(n) && n >= 2 ? Math.min(n, 16) : 0;
  }
  const cpus = availableParallelism();
  return cpus >= 2 && bytes >= MIN_PARALLEL_BYTES ? Math.min(cpus, 4) : 0;
}

/** workerFile is the built worker next to the CLI bundle `cliUrl` (absent when running from sources). */
export function workerFile(cliUrl: string): URL | undefined {
  const url = new URL('./cli-worker.js', cliUrl);
  return url.protocol === 'file:' && existsSync(url) ? url : undefined;
}

/** hash buckets dealt to shards */
const BUCKETS = 64;
/** the main thread's share of the buckets, relative to an even split (it also reads, deals and writes) */
const MAIN_SHARE = 0.93;

/**
 * bucketShards maps each hash bucket to a shard: the main thread (shard 0) takes a little less than an
 * even share, because it also reads the file, deals the records out and writes the output (measured on
 * two cores: about 7 % of the dissection time); the rest go round the worker shards.
 */
export function bucketShards(n: number): Uint8Array {
  const map = new Uint8Array(BUCKETS);
  const main = Math.floor((BUCKETS / n) * MAIN_SHARE);
  for (let b = main, w = 1; b < BUCKETS; b++, w = (w % (n - 1)) + 1) map[b] = n === 1 ? 0 : w;
  return map;
}

/** the route of a record no shard gets (RunPlan.skip): counted and timed, never dissected */
const SKIPPED = 255;

/** Pending is one chunk out at the shards. */
interface Pending {
  /** shard of each record, or SKIPPED */
  route: Uint8Array;
  replies: (BatchReply | undefined)[];
  waiting: number;
}

/** output is written in chunks of about this many bytes */
const OUT_CHUNK = 256 * 1024;

/**
 * runParallel reads `path` in `shards` shards — the first dissected on this thread, the others by worker
 * threads started from `file` — and writes the text of every displayed frame to `out`, in frame order,
 * in chunks; `out` must be done with a chunk when it returns (the buffer is reused). Rejects when a
 * worker fails.
 */
export async function runParallel(spec: {
  path: string;
  file: URL;
  shards: number;
  plan: RunPlan;
  options: CliOptions;
  count?: number;
  out: (bytes: Uint8Array) => void;
  /** where the workers' stderr goes */
  err?: (text: string) => void;
  onInfo?: (info: CaptureFileInfo) => void;
}): Promise<PipelineResult> {
  const n = spec.shards;
  // The workers' young generations may grow to 32 MiB semi-spaces (V8's default is 16): fewer scavenges
  // and promotions, while every isolate's heap together stays well under tshark's memory. The flag is
  // process-wide but read when an isolate's heap is set up, so it reaches the workers made below and
  // not this thread's isolate (measured: the same number of scavenges with it or without it). An
  // explicit --max-semi-space-size on the node command line or in NODE_OPTIONS wins.
  if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space'))) {
    setFlagsFromString(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  }
  const shardOf = bucketShards(n);
  // stdout/stderr: true keeps Node from piping the workers' streams into process.stdout/stderr: touching
  // process.stdout switches file descriptor 1 to non-blocking mode when it is a socket (a parent that
  // collects our output, as spawnSync does), and every full socket buffer then costs a retry wait in
  // fdBytesSink instead of one blocking write. A worker prints nothing; what it writes to stderr (a
  // warning) is passed on to ours.
  const workers = Array.from({ length: n - 1 }, () => {
    const worker = new Worker(spec.file, { workerData: { options: spec.options }, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.setEncoding('utf8');
    worker.stderr.on('data', (text: string) => spec.err?.(text));
    return worker;
  });
  const shard0 = new ShardDissector(spec.plan, spec.options);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let doneId = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let displayed = 0;
  const outBuf = new Uint8Array(OUT_CHUNK);
  let outLen = 0;
  const emit = (bytes: Uint8Array, start: number, end: number): void => {
    if (outLen + end - start > OUT_CHUNK) {
      if (outLen > 0) spec.out(outBuf.subarray(0, outLen));
      outLen = 0;
      if (end - start > OUT_CHUNK) return spec.out(bytes.subarray(start, end));
    }
    outBuf.set(bytes.subarray(start, end), outLen);
    outLen += end - start;
  };
  const flush = (): void => {
    // Write out every leading chunk whose replies are all in, copying runs of consecutive texts.
    for (let p = pending.get(doneId); p !== undefined && p.waiting === 0; p = pending.get(doneId)) {
      pending.delete(doneId++);
      const next = new Int32Array(n);
      let run: BatchReply | undefined;
      let runStart = 0;
      let runEnd = 0;
      for (let i = 0; i < p.route.length; i++) {
        const w = p.route[i];
        if (w === SKIPPED) continue;
        const reply = p.replies[w]!;
        const k = next[w]++;
        if (reply.shown[k] === 0) continue;
        displayed++;
        const start = k === 0 ? 0 : reply.ends[k - 1];
        if (reply === run && start === runEnd) {
          runEnd = reply.ends[k];
          continue;
        }
        if (run !== undefined) emit(run.bytes, runStart, runEnd);
        run = reply;
        runStart = start;
        runEnd = reply.ends[k];
      }
      if (run !== undefined) emit(run.bytes, runStart, runEnd);
    }
  };
  const received = (shard: number, reply: BatchReply): void => {
    if (shard > 0) queued[shard]--;
    const p = pending.get(reply.id)!;
    p.replies[shard] = reply;
    p.waiting--;
    try {
      flush();
    } catch (error) {
      failure ??= error as Error;
    }
    wake?.();
  };
  workers.forEach((worker, w) => {
    worker.on('message', (reply: BatchReply) => received(w + 1, reply));
    worker.on('error', (error) => {
      failure ??= new Error(`a dissection worker failed: ${error.message}`, { cause: error });
      wake?.();
    });
    worker.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`a dissection worker exited with code ${code}`);
      wake?.();
    });
  });
  // This thread's own batches wait in `local` while it reads and deals ahead: a worker with fewer than
  // WORKER_AHEAD batches queued gets the next chunk's records before this thread dissects its share of
  // the last one (dealing behind, it would leave the worker idle whenever a chunk's frames fall mostly to
  // this thread). `queued` counts each worker's batches without a reply.
  const local: BatchMessage[] = [];
  const queued = new Int32Array(n);
  const starving = (): boolean => {
    for (let w = 1; w < n; w++) if (queued[w] < WORKER_AHEAD) return true;
    return false;
  };
  /** dissectLocal works off this thread's batches until it should read on (all of them with `all`). */
  const dissectLocal = async (all: boolean): Promise<void> => {
    for (;;) {
      if (failure) throw failure;
      const full = nextId - doneId >= MAX_IN_FLIGHT;
      if (local.length > 0 && (all || full || local.length > LOCAL_AHEAD || !starving())) {
        received(0, shard0.process(local.shift()!));
        // Let the workers' replies in, so that `queued` is current for the next decision.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (!full || all) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  };
  const waitUntil = async (done: () => boolean): Promise<void> => {
    while (!done()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure) throw failure;
  };

  const count = spec.count ?? Infinity;
  const skip = spec.plan.skip;
  let read = 0;
  let first: { sec: number; nsec: number } | undefined;
  const prev = { sec: 0, nsec: 0 };
  try {
    const outcome = await streamRecords(spec.path, async (records, info) => {
      spec.onInfo?.(info);
      const take = Math.min(records.length, count - read);
      const route = new Uint8Array(take);
      const counts = new Int32Array(n);
      const bytes = new Float64Array(n);
      for (let i = 0; i < take; i++) {
        const r = records[i];
        if (skip !== undefined && skip(r.linktype, r.data)) {
          route[i] = SKIPPED;
          continue;
        }
        const h = addressPairHash(r.linktype, r.data);
        const w = h < 0 ? 0 : shardOf[h & (BUCKETS - 1)];
        route[i] = w;
        counts[w]++;
        bytes[w] += r.data.length;
      }
      const metas = Array.from({ length: n }, (_, w) => new Float64Array(counts[w] * META));
      const datas = Array.from({ length: n }, (_, w) => new Uint8Array(bytes[w]));
      const comments: (Record<number, string> | null)[] = new Array(n).fill(null);
      const fill = new Int32Array(n);
      const offset = new Float64Array(n);
      for (let i = 0; i < take; i++) {
        const r: CaptureRecord = records[i];
        first ??= { sec: r.tsSec, nsec: r.tsNsec };
        if (read === 0) {
          prev.sec = r.tsSec;
          prev.nsec = r.tsNsec;
        }
        const w = route[i];
        if (w === SKIPPED) {
          read++;
          prev.sec = r.tsSec;
          prev.nsec = r.tsNsec;
          continue;
        }
        const k = fill[w]++;
        const m = metas[w];
        const at = k * META;
        datas[w].set(r.data, offset[w]);
        offset[w] += r.data.length;
        m[at] = ++read;
        m[at + 1] = r.tsSec;
        m[at + 2] = r.tsNsec;
        m[at + 3] = prev.sec;
        m[at + 4] = prev.nsec;
        m[at + 5] = r.origLen;
        m[at + 6] = r.linktype;
        m[at + 7] = r.interfaceId;
        m[at + 8] = offset[w];
        if (r.comment !== undefined) (comments[w] ??= {})[k] = r.comment;
        prev.sec = r.tsSec;
        prev.nsec = r.tsNsec;
      }
      if (take > 0) {
        const id = nextId++;
        const p: Pending = { route, replies: new Array(n), waiting: n };
        pending.set(id, p);
        const message = (w: number): BatchMessage => ({ id, info, first: first!, meta: metas[w], data: datas[w], comments: comments[w] });
        for (let w = 1; w < n; w++) {
          workers[w - 1].postMessage(message(w), [metas[w].buffer, datas[w].buffer]);
          queued[w]++;
        }
        local.push(message(0));
      }
      await dissectLocal(false);
      return read < count;
    });
    await dissectLocal(true);
    await waitUntil(() => doneId === nextId);
    if (outLen > 0) spec.out(outBuf.subarray(0, outLen));
    return { info: outcome.info, error: outcome.error, read, displayed };
  } finally {
    for (const worker of workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
}
