/**
 * A dissection worker thread of the parallel reader (./parallel.ts): it plans the run from the same
 * options as the main thread (./plan.ts) and dissects the batches of its shard (./shard.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CliOptions } from './args';
import { planRun } from './plan';
import { ShardDissector, type BatchMessage } from './shard';

const { options } = workerData as { options: CliOptions };
const planned = planRun(options);
if (!planned.ok) throw new Error(planned.message);
const shard = new ShardDissector(planned.plan, options);

parentPort!.on('message', (batch: BatchMessage) => {
  const reply = shard.process(batch);
  parentPort!.postMessage(reply, [reply.bytes.buffer, reply.shown.buffer, reply.ends.buffer]);
});
