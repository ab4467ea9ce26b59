/**
 * Helpers for decode unit tests: dissect one frame (or a sequence) with every module in full mode,
 * find items by field abbrev, render the tree as `tshark -V` text, and assert the "cut at every
 * length" invariant (only truncation/malformed items appear, earlier layers stay).
 */
import { expect } from 'vitest';
import { allModules } from '../../../src/main/engine/modules';
import type { FrameInput } from '../../../src/main/engine/decode/protocol';
import { DissectionSession, type FrameResult } from '../../../src/main/engine/decode/session';
import type { TreeItem, TreeMode } from '../../../src/main/engine/decode/tree';
import { printDetailText, toDetailNodes } from '../../../src/main/engine/decode/detail';
import { useBuiltinMacTables } from '../../../src/main/engine/decode/resolve';

// Labels must not depend on the host's Wireshark installation.
useBuiltinMacTables();

/** frameInput builds a FrameInput for `data` (frame 1, times 1 ms apart per number). */
export function frameInput(data: Uint8Array, over: Partial<FrameInput> = {}): FrameInput {
  const number = over.number ?? 1;
  return {
    number,
    tsSec: 1_795_712_694,
    tsNsec: number * 1_000_000,
    firstSec: 1_795_712_694,
    firstNsec: 1_000_000,
    prevSec: 1_795_712_694,
    prevNsec: Math.max(1, number - 1) * 1_000_000,
    caplen: data.length,
    origLen: data.length,
    linktype: 1,
    interfaceId: 0,
    data,
    ...over,
  };
}

/** dissectOne dissects one frame (first pass) with all modules. */
export function dissectOne(data: Uint8Array, over: Partial<FrameInput> = {}, mode: TreeMode = 'full'): FrameResult {
  return new DissectionSession(allModules).dissect(frameInput(data, over), { firstPass: true, mode });
}

/** dissectMany dissects frames in order in one session and returns the session too. */
export function dissectMany(frames: Uint8Array[], over: Partial<FrameInput> = {}): { session: DissectionSession; inputs: FrameInput[]; results: FrameResult[] } {
  const session = new DissectionSession(allModules);
  const inputs = frames.map((data, i) => frameInput(data, { ...over, number: i + 1 }));
  const results = inputs.map((input) => session.dissect(input, { firstPass: true, mode: 'full' }));
  return { session, inputs, results };
}

/** items returns the occurrences of a field. */
export function items(r: FrameResult, abbrev: string): TreeItem[] {
  return r.tree.get(abbrev);
}

/** one returns the single occurrence of a field (fails otherwise). */
export function one(r: FrameResult, abbrev: string): TreeItem {
  const found = r.tree.get(abbrev);
  expect(found, abbrev).toHaveLength(1);
  return found[0];
}

/** range is [src, start, length] of an item. */
export function range(item: TreeItem): [number, number, number] {
  return [item.src, item.start, item.length];
}

/** text renders the tree like `tshark -V`. */
export function text(r: FrameResult): string[] {
  return printDetailText(toDetailNodes(r.tree));
}

/** labelOf resolves an item's label as the detail pane shows it. */
export function labelOf(r: FrameResult, abbrev: string, index = 0): string {
  const nodes = toDetailNodes(r.tree);
  const stack = [...nodes];
  let seen = 0;
  while (stack.length) {
    const n = stack.shift()!;
    if (n.field === abbrev) {
      if (seen === index) return n.label;
      seen++;
    }
    if (n.children) stack.unshift(...n.children);
  }
  throw new Error(`no ${abbrev}`);
}

/**
 * expectCutsAreSafe cuts `data` at every length (snaplen semantics: origLen stays) and checks that
 * dissection never throws, the frame layer is kept, the only exception items are `_ws.short` /
 * `_ws.malformed`, and every layer seen in the full dissection up to the cut is a prefix.
 */
export function expectCutsAreSafe(data: Uint8Array, over: Partial<FrameInput> = {}): void {
  const full = dissectOne(data, over);
  for (let cut = 0; cut < data.length; cut++) {
    const r = dissectOne(data.subarray(0, cut), { ...over, caplen: cut, origLen: data.length });
    expect(r.layers[0]).toBe('frame');
    const roots = r.tree.roots.map((i) => i.field.abbrev);
    const exceptions = roots.filter((a) => a.startsWith('_ws.'));
    expect(exceptions.every((a) => a === '_ws.short' || a === '_ws.malformed'), `cut ${cut}: ${roots.join(',')}`).toBe(true);
    // Earlier layers are kept: what decoded is a prefix of the full dissection's layers.
    expect(full.layers.slice(0, r.layers.length), `cut ${cut}`).toEqual(r.layers);
    expect(typeof r.columns.info).toBe('string');
  }
}
