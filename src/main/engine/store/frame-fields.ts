/**
 * FrameFields adapter: what a compiled display filter (src/shared/filter) evaluates against, built from
 * one frame's dissection result. `get(abbrev)` returns the occurrences of a field in tree order (several
 * `tcp.port` items, one per direction) and `sourceBytes(src)` the bytes of a data source, so protocol
 * fields compare as the bytes they cover, in the frame or in a reassembled buffer.
 *
 * One adapter is reused for every frame of a run (`reset`), because the CLI and the store evaluate
 * filters over millions of frames: the grouping of occurrences by abbrev is built lazily on the first
 * `get` of a frame (a filter that short-circuits on the first field pays for nothing else) into arrays
 * that are recycled from frame to frame, so steady-state filtering allocates nothing per frame.
 * Arrays returned by `get` are only valid until the next `reset`.
 */
import type { DataSource, FieldOccurrence, FrameFields } from '../../../shared/model';
import type { ProtoTree } from '../decode/tree';

const EMPTY = new Uint8Array(0);

/** TreeFrameFields adapts a ProtoTree (any mode) and its data sources to {@link FrameFields}. */
export class TreeFrameFields implements FrameFields {
  private occurrences: readonly FieldOccurrence[] = [];
  private sources: readonly DataSource[] = [];
  /** slot of each abbrev seen so far; slots are never removed so their arrays get reused. */
  private readonly slots = new Map<string, FieldOccurrence[]>();
  /** slots filled for the current frame (to empty them on the next reset). */
  private readonly used: FieldOccurrence[][] = [];
  private grouped = false;

  /** reset points the adapter at another frame; previous `get` results become invalid. */
  reset(tree: Pick<ProtoTree, 'occurrences'>, sources: readonly DataSource[]): this {
    this.occurrences = tree.occurrences;
    this.sources = sources;
    if (this.grouped) {
      // Emptied by pops, not `length = 0`, which would drop the arrays' backing stores every frame.
      const used = this.used;
      while (used.length > 0) {
        const slot = used.pop()!;
        while (slot.length > 0) slot.pop();
      }
      this.grouped = false;
    }
    return this;
  }

  /** get returns every occurrence of `abbrev` in tree order, or undefined when the frame has none. */
  get(abbrev: string): readonly FieldOccurrence[] | undefined {
    if (!this.grouped) this.group();
    const slot = this.slots.get(abbrev);
    return slot !== undefined && slot.length > 0 ? slot : undefined;
  }

  /** sourceBytes returns the bytes of data source `src` (0 = the frame), empty when out of range. */
  sourceBytes(src: number): Uint8Array {
    return this.sources[src]?.bytes ?? EMPTY;
  }

  private group(): void {
    const occurrences = this.occurrences;
    const slots = this.slots;
    for (let i = 0; i < occurrences.length; i++) {
      const occurrence = occurrences[i];
      const abbrev = occurrence.field.abbrev;
      let slot = slots.get(abbrev);
      if (slot === undefined) slots.set(abbrev, (slot = []));
      if (slot.length === 0) this.used.push(slot);
      slot.push(occurrence);
    }
    this.grouped = true;
  }
}

/** frameFieldsOf builds a one-off adapter (the GUI's detail pane, tests). */
export function frameFieldsOf(tree: Pick<ProtoTree, 'occurrences'>, sources: readonly DataSource[]): FrameFields {
  return new TreeFrameFields().reset(tree, sources);
}
