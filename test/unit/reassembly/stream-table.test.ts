/**
 * StreamTable live-state caps (docs/reassembly.md, "Per-stream memory"): least recently used streams are
 * evicted beyond the stream-count and byte caps, their buffered bytes leave the shared budget, their
 * durable facts (index, ISN, base sequence number, window scale, times) survive, and a revived direction
 * resumes reassembly after the highest byte seen.
 */
import { describe, expect, it } from 'vitest';
import { StreamTable } from '../../../src/main/engine/reassembly/stream-table';
import { ReassemblyBudget, DEFAULT_LIMITS } from '../../../src/main/engine/reassembly/half-connection';
import type { Address } from '../../../src/main/engine/decode/protocol';

const server: Address = { type: 'ipv4', value: 0x0a000019 };
function client(i: number): Address {
  return { type: 'ipv4', value: (0x0a010000 + i) >>> 0 };
}

interface Pending {
  length: number;
}

function table(maxLiveStreams: number, maxLiveBytes = 1 << 30): StreamTable<number, Pending> {
  const t = new StreamTable<number, Pending>(DEFAULT_LIMITS, new ReassemblyBudget(), {
    maxLiveStreams,
    maxLiveBytes,
  });
  t.pduBytes = (p) => p.length;
  return t;
}

const payload = (n: number): Uint8Array => new Uint8Array(n).fill(0x41);

describe('StreamTable live-state caps', () => {
  it('evicts the least recently used stream beyond the stream cap and keeps its durable facts', () => {
    const t = table(2);
    const isn = [1000, 2000, 3000];
    for (let i = 0; i < 2; i++) {
      const { stream, dir } = t.lookup(client(i), 40000, server, 25, true, false, isn[i], i);
      stream.setIsn(dir, isn[i]);
      stream.dirs[dir].baseSeq = isn[i];
      stream.dirs[dir].baseSet = true;
      stream.dirs[dir].winScale = 7;
      // Frame 10+i: 5 bytes after a hole of 10, buffered out of order.
      stream.dirs[dir].half.accept({ seq: isn[i], payload: payload(3), syn: false, tag: 100 + i });
      stream.dirs[dir].half.accept({ seq: isn[i] + 13, payload: payload(5), tag: 10 + i });
    }
    expect(t.budget.used).toBe(10);
    t.lookup(client(0), 40000, server, 25, false, true, isn[0] + 3, 3); // stream 0 becomes the most recent
    const third = t.lookup(client(2), 40000, server, 25, true, false, isn[2], 4);
    expect(third.stream.index).toBe(2);
    // Stream 1 was the least recently used: evicted with its buffered piece (frame 11, 5 bytes).
    expect(t.evicted).toHaveLength(1);
    const gone = t.evicted[0];
    expect(gone.stream.index).toBe(1);
    expect(gone.droppedTags?.[1]).toEqual([{ tag: 11, length: 5 }]);
    expect(t.streams[1].live).toBeNull();
    expect(t.budget.used).toBe(5);
    expect(t.liveStreams().map((s) => s.index)).toEqual([0, 2]);
    // Durable facts read without reviving.
    expect(t.streams[1].isnOf(1)).toBe(2000);
    expect(t.streams[1].baseSeqOf(1)).toBe(2000);
    expect(t.streams[1].winScaleOf(1)).toBe(7);
    expect(t.streams[1].live).toBeNull();
    expect(t.streams[1].firstTime).toBe(1);
  });

  it('finds an evicted stream by its 4-tuple and resumes after the highest byte it saw', () => {
    const t = table(1);
    const a = t.lookup(client(1), 40000, server, 25, false, true, 5000, 0);
    a.stream.dirs[a.dir].baseSeq = 4999;
    a.stream.dirs[a.dir].baseSet = true;
    a.stream.dirs[a.dir].nextSeq = 5020; // the analysis saw bytes up to 5020 (a buffered piece)
    a.stream.dirs[a.dir].nextSeqSet = true;
    a.stream.dirs[a.dir].half.accept({ seq: 5000, payload: payload(4), tag: 1 });
    a.stream.dirs[a.dir].half.accept({ seq: 5010, payload: payload(10), tag: 2 });
    t.lookup(client(2), 40000, server, 25, false, true, 1, 1); // evicts stream 0
    expect(t.evicted.map((l) => l.stream.index)).toEqual([0]);
    const again = t.lookup(client(1), 40000, server, 25, false, true, 5020, 2);
    expect(again.stream.index).toBe(0);
    expect(again.reusedPorts).toBe(false);
    expect(again.stream.takeResumed(again.dir)).toBe(true);
    expect(again.stream.takeResumed(again.dir)).toBe(false);
    // The next segment at 5020 is in order, at stream offset 20 (relative sequence number 21).
    const r = again.stream.dirs[again.dir].half.accept({ seq: 5020, payload: payload(3), tag: 3 });
    expect(r.status).toBe('in-order');
    expect(r.chunks.map((c) => [c.offset, c.gapBefore, c.tag])).toEqual([[20, 0, 3]]);
    // The analysis state knows where the direction stood.
    expect(again.stream.dirs[again.dir].nextSeqSet).toBe(true);
    expect(again.stream.dirs[again.dir].nextSeq).toBe(5020);
  });

  it('evicts beyond the byte cap (buffered plus pending bytes), never the stream in use', () => {
    const t = table(100, 50);
    const pendings: Pending[] = [];
    for (let i = 0; i < 4; i++) {
      const { stream, dir } = t.lookup(client(i), 40000, server, 25, false, true, 1, i);
      const p = { length: 20 };
      pendings.push(p);
      stream.pdu[dir] = p;
    }
    // Each stream's bytes are counted when the next lookup settles it: 20 + 20 + 20 > 50 → stream 0 goes.
    expect(t.evictions).toBe(1);
    expect(t.streams[0].live).toBeNull();
    t.lookup(client(4), 40000, server, 25, false, true, 1, 5);
    expect(t.evictions).toBe(2);
    expect(t.liveBytes).toBeLessThanOrEqual(50);
    expect(t.liveStreams().map((s) => s.index)).toEqual([2, 3, 4]);
  });

  it('applies the port-reuse rule to an evicted stream from its durable base sequence number', () => {
    const t = table(1);
    const first = t.lookup(client(1), 40000, server, 25, true, false, 7000, 0);
    // What the analysis records for a SYN: its ISN, which is the direction's base.
    first.stream.setIsn(first.dir, 7000);
    first.stream.dirs[first.dir].baseSeq = 7000;
    first.stream.dirs[first.dir].baseSet = true;
    t.lookup(client(2), 40000, server, 25, true, false, 1, 1); // evicts stream 0
    expect(t.streams[0].live).toBeNull();
    // The same SYN again (retransmitted): same stream.
    expect(t.lookup(client(1), 40000, server, 25, true, false, 7000, 2).stream.index).toBe(0);
    // A SYN with another ISN: a new stream, flagged as reusing the ports.
    const reused = t.lookup(client(1), 40000, server, 25, true, false, 9000, 3);
    expect(reused.stream.index).toBe(2);
    expect(reused.reusedPorts).toBe(true);
  });
});
