/**
 * planRun turns parsed command-line options into what a file run needs: checked preferences and
 * "decode as" rules, compiled filters, the fields printer, the tree mode and interest set, whether
 * columns and TCP payloads are needed, and a session factory. The main thread and the parallel
 * workers (./parallel.ts) both build their sessions from the same plan, so a worker dissects, filters
 * and prints exactly as a single-threaded run would. {@link writeFrame} is the one place that lays out
 * a displayed frame's text for the text and fields formats.
 */
import type { FieldRegistry } from '../../shared/fields';
import { compileFilter, formatFilterError, type CompiledFilter } from '../../shared/filter/index';
import type { FieldOccurrence, FrameFields } from '../../shared/model';
import { plainTcpPorts } from '../engine/decode/flow-peek';
import { DissectionSession, parsePrefValue, type FrameResult } from '../engine/decode/session';
import { fieldNeedsTcpPayload } from '../engine/decode/tcp';
import type { TreeMode } from '../engine/decode/tree';
import { allModules } from '../engine/modules';
import { setMailTranscripts } from '../engine/dissect/mailinfo';
import { TreeFrameFields } from '../engine/store/frame-fields';
import { packetOutputAsked, parseSelector, type CliOptions } from './args';
import { FieldsPrinter, detailText, hexText, type FrameView, type OutputBuffer } from './output';
import { parseStats, type StatsRequest } from './stats';

const KNOWN_TABLES = ['tcp.port', 'udp.port', 'ethertype', 'ip.proto', 'linktype', 'sll.ltype'];

/** RunPlan is everything a run derives from its options before reading the first record. */
export interface RunPlan {
  /** tshark's non-fatal warnings about the options (`-d udp.port=53,dns`), printed before the run */
  warnings: string[];
  readFilter?: CompiledFilter;
  displayFilter?: CompiledFilter;
  stats: StatsRequest[];
  /** something is printed per frame (not -q, and not only -w without -P). */
  printing: boolean;
  summary: boolean;
  verbose: boolean;
  hex: boolean;
  json: boolean;
  /** the `-T fields` printer, when printing fields. */
  fields?: FieldsPrinter;
  mode: TreeMode;
  /** fields kept in `fields` mode (printed fields plus filter fields). */
  interest: Set<string>;
  /** only the summary and `_ws.col.*` read the columns (-V, -x and json print them too). */
  columns: boolean;
  tcpPayloads: boolean;
  /**
   * skip: true for a record no frame of the output can depend on — a plain TCP segment whose ports the
   * run's stream-constant filters reject (see {@link portSkipper}); such a record is counted and timed
   * but never dissected. Undefined when the run has no such filter or something printed needs them all.
   */
  skip?: (linktype: number, data: Uint8Array) => boolean;
  /** makeSession returns a fresh session configured by the options. */
  makeSession: () => DissectionSession;
}

/** PlanResult is a plan, or the message and exit code of a bad option; `warnings` are tshark's non-fatal option warnings, printed either way. */
export type PlanResult = { ok: true; plan: RunPlan } | { ok: false; message: string; code: number; warnings: string[] };

/** planRun checks and plans a run of `o` (the registry, preferences, decode-as rules, fields, filters). */
export function planRun(o: CliOptions): PlanResult {
  const warnings: string[] = [];
  const fail = (message: string, code: number): PlanResult => ({ ok: false, message, code, warnings });
  const registry = new DissectionSession(allModules).registry;
  const prefs: Record<string, string | number | boolean> = {};
  for (const p of o.prefs) {
    if (!registry.prefDefs.has(p.name)) return fail(`-o flag "${p.raw}" specifies unknown preference`, 1);
    try {
      prefs[p.name] = parsePrefValue(registry, p.name, p.value);
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error), 1);
    }
  }
  // tshark's order for each rule: the layer type, the `=` warning, the selector, the protocol.
  const decodeAs: { table: string; value: number; proto: string }[] = [];
  for (const rule of o.decodeAs) {
    if (!KNOWN_TABLES.includes(rule.table) && registry.tables.values(rule.table).length === 0) {
      return fail(`Unknown layer type -- ${rule.table}\nValid layer types are:\n${KNOWN_TABLES.map((t) => `\t${t}`).join('\n')}`, 1);
    }
    if (rule.singleEquals) warnings.push(`WARNING: -d requires "==" instead of "=". Option will be treated as "${rule.table}==${rule.raw.slice(rule.raw.indexOf('=') + 1)}"`);
    const values = parseSelector(rule.selector);
    if (typeof values === 'string') return fail(values, 1);
    if (rule.proto === '') return fail('No protocol name specified', 1);
    if (!registry.tables.module(rule.proto)?.dissect) {
      const valid = registry.modules
        .filter((m) => m.dissect !== undefined && m.proto.abbrev !== 'frame')
        .map((m) => `\t${m.proto.abbrev} (${m.proto.name})`)
        .sort();
      return fail(`Unknown protocol -- "${rule.proto}"\nValid protocols for layer type "${rule.table}" are:\n${valid.join('\n')}`, 1);
    }
    for (const value of values) decodeAs.push({ table: rule.table, value, proto: rule.proto });
  }
  let stats: StatsRequest[];
  try {
    stats = parseStats(o.stats);
  } catch (error) {
    return fail((error as Error).message, 1);
  }

  const lookup = (abbrev: string) => registry.fields.get(abbrev);
  let printer: FieldsPrinter | undefined;
  if (o.outputFormat === 'fields') {
    const invalid = FieldsPrinter.invalidFields(o.fields, lookup);
    if (invalid.length > 0) return fail(`Some fields aren't valid:\n${invalid.map((f) => `\t${f}`).join('\n')}`, 1);
    printer = new FieldsPrinter(o.fields, lookup, o.fieldsOptions);
  }
  const compile = (text: string | undefined): CompiledFilter | string | undefined => {
    if (text === undefined) return undefined;
    const compiled = compileFilter(text, registry.fields);
    return compiled.ok ? compiled.filter : formatFilterError(text, compiled.error);
  };
  const readFilter = compile(o.readFilter);
  if (typeof readFilter === 'string') return fail(readFilter, 2);
  const displayFilter = compile(o.displayFilter);
  if (typeof displayFilter === 'string') return fail(displayFilter, 2);

  // What to print and therefore how much tree to build.
  // tshark: packets are printed when asked for in so many words (-V, -x, -P, -T; not -T json with -w,
  // which prints nothing), or by default when neither -w nor -q is given.
  const printing = packetOutputAsked(o) ? !(o.writeFile !== undefined && o.outputFormat === 'json') : o.writeFile === undefined && !o.quiet;
  const text = o.outputFormat === 'text';
  const summary = printing && text && (o.printSummary || (!o.verbose && !o.hex));
  const verbose = printing && text && o.verbose;
  const hex = printing && text && o.hex;
  const json = printing && o.outputFormat === 'json';
  const fields = printing && printer !== undefined ? printer : undefined;
  let mode: TreeMode = 'none';
  const interest = new Set<string>();
  if (verbose || hex || json) mode = 'full';
  else {
    if (fields) for (const f of fields.interest()) interest.add(f);
    for (const f of readFilter?.fields ?? []) interest.add(f);
    for (const f of displayFilter?.fields ?? []) interest.add(f);
    if (interest.size > 0) mode = 'fields';
  }
  const columns = summary || verbose || hex || json || (fields?.usesColumns() ?? false);
  // Demand-driven: when nothing printed or filtered depends on TCP payloads (and no -z report reads
  // them), a one-pass run skips their reassembly and dissection (docs/cli.md).
  const tcpPayloads = mode !== 'fields' || columns || o.twoPass || stats.length > 0 || [...interest].some(fieldNeedsTcpPayload);

  // Demand-driven too: a one-pass filter that reads only what every frame of a TCP stream shares rejects
  // whole streams, whose analysis and payloads TCP then skips (SessionOptions.tcpStreamFilter).
  const streamFilters = o.twoPass || stats.length > 0 ? [] : [readFilter, displayFilter].filter((f): f is CompiledFilter => f !== undefined && streamConstant(f));
  // One step further: a plain TCP frame whose ports fail such filters is not dissected at all (a peek at
  // its headers decides) — unless what is printed numbers streams across the whole file (`tcp.stream`,
  // the detail trees), or a decode-as rule below TCP could turn its IP packet into something else.
  const skip =
    streamFilters.length > 0 &&
    !verbose &&
    !hex &&
    !json &&
    ![...interest].some((f) => FILE_NUMBERED_FIELDS.has(f)) &&
    o.decodeAs.every((d) => d.table === 'tcp.port' || d.table === 'udp.port')
      ? portSkipper(streamFilters, registry.fields)
      : undefined;

  const makeSession = (): DissectionSession => {
    const session = new DissectionSession(allModules, {
      prefs,
      decodeAs,
      keepFrameData: o.twoPass,
      trackRowUpdates: false,
      tcpPayloads,
      tcpStreamFilter: streamFilters.length > 0 ? streamFilterOf(streamFilters) : undefined,
    });
    // Nothing here reads mail transcripts (`-z credentials` reads credentials, which stay collected).
    setMailTranscripts(session, false);
    return session;
  };
  return {
    ok: true,
    plan: { readFilter, displayFilter, stats, printing, summary, verbose, hex, json, fields, mode, interest, columns, tcpPayloads, skip, makeSession, warnings },
  };
}

/**
 * STREAM_CONSTANT_VALUES are the fields whose values are the same for every frame of a TCP stream, in
 * either direction: the stream is keyed by its two ports, and `tcp.port` holds both (a filter on it
 * sees the same set of values in every frame; `tcp.srcport` would not). No IP address is listed: a
 * stream's frames may be tunnelled differently. STREAM_CONSTANT_PRESENCE are those whose presence
 * alone is: every frame of a TCP stream has `tcp`, but its bytes (`tcp contains "MAIL"`, `len(tcp)`,
 * `tcp[13]`) differ from frame to frame.
 */
const STREAM_CONSTANT_VALUES = new Set(['tcp.port']);
const STREAM_CONSTANT_PRESENCE = new Set(['tcp', 'tcp.port']);

/** streamConstant tells whether a filter gives one answer for every frame of a TCP stream. */
export function streamConstant(filter: CompiledFilter): boolean {
  return (
    filter.fields.length > 0 &&
    filter.fields.every((f) => STREAM_CONSTANT_PRESENCE.has(f)) &&
    filter.valueFields.every((f) => STREAM_CONSTANT_VALUES.has(f))
  );
}

/** fields numbered across the whole file: skipping a stream's frames would renumber the others */
export const FILE_NUMBERED_FIELDS: ReadonlySet<string> = new Set(['tcp.stream', 'udp.stream']);

/**
 * portSkipper answers {@link RunPlan.skip} for stream-constant filters: a frame that is one plain TCP
 * segment ({@link plainTcpPorts}) has exactly the `tcp` and `tcp.port` occurrences its two ports give, so
 * the filters are evaluated on those (once per port pair), and a rejected frame is one of a stream no
 * frame of which is shown (the filters give one answer per stream). Its dissection could change nothing
 * printed: TCP would number its stream but not analyse it (DissectCtx.tcpStreamShown), and its state is
 * its stream's own. Anything the peek is not sure of is dissected.
 */
function portSkipper(filters: readonly CompiledFilter[], registry: FieldRegistry): (linktype: number, data: Uint8Array) => boolean {
  const occurrence = (abbrev: string): FieldOccurrence => ({ field: registry.get(abbrev)!, value: null, src: 0, start: 0, length: 0 });
  const tcp = [occurrence('tcp')];
  const src = occurrence('tcp.port');
  const dst = occurrence('tcp.port');
  const ports = [src, dst];
  const empty = new Uint8Array(0);
  const frame: FrameFields = {
    get: (abbrev) => (abbrev === 'tcp' ? tcp : abbrev === 'tcp.port' ? ports : undefined),
    sourceBytes: () => empty,
  };
  /** the verdict per port pair (bounded: a port scan must not grow it without end) */
  const shown = new Map<number, boolean>();
  return (linktype, data) => {
    const pair = plainTcpPorts(linktype, data);
    if (pair < 0) return false;
    let verdict = shown.get(pair);
    if (verdict === undefined) {
      src.value = Math.floor(pair / 65536);
      dst.value = pair % 65536;
      verdict = filters.every((f) => f.evaluate(frame));
      if (shown.size >= 1 << 16) shown.clear();
      shown.set(pair, verdict);
    }
    return !verdict;
  };
}

/**
 * streamFilterOf is a session's tcpStreamFilter for stream-constant filters: the frame, dissected up to
 * its TCP header (whose port items are then in its tree), passes every one of them.
 */
function streamFilterOf(filters: readonly CompiledFilter[]): (frame: FrameResult) => boolean {
  const adapter = new TreeFrameFields();
  return (frame) => {
    adapter.reset(frame.tree, frame.sources);
    for (const f of filters) if (!f.evaluate(adapter)) return false;
    return true;
  };
}

/**
 * writeFrame appends the printed text of one displayed frame in the text and fields formats to `out`
 * (json frames are joined by the caller, which knows their separators).
 */
export function writeFrame(plan: RunPlan, out: OutputBuffer, v: FrameView, onlyProtocols: readonly string[] | undefined): void {
  if (plan.fields) return plan.fields.writeRow(out, v);
  if (plan.summary) out.writeSummary(v);
  if (plan.verbose) {
    out.write(detailText(v, onlyProtocols));
    if (!plan.hex) out.write('\n');
  }
  if (plan.hex) {
    if (plan.summary || plan.verbose) out.write('\n');
    out.write(hexText(v.result.sources) + '\n');
  }
}
