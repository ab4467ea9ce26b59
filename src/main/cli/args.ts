/**
 * Command-line parsing for `wirelab`, written by hand to behave like tshark 4.0's getopt loop so that a
 * tshark command line works unchanged: short options may be clustered (`-nr f`) and take their argument
 * attached (`-c5`, `-rfile`) or as the next word even when it starts with `-`; option processing stops
 * at the first word that is not an option, and every remaining word becomes a read filter (tshark's
 * "additional command-line arguments"). Error messages and exit codes are tshark's (checked against
 * tshark 4.0.17): bad usage exits 1, with the usage text for unknown options and missing arguments.
 *
 * The parser only checks syntax and values it can check alone; preferences, decode-as protocols, field
 * names and filters are checked against the protocol registry by `index.ts` before reading the file.
 * Live capture (`-i`, `-f`, `-a`, `-D`) follows tshark's capture options; an interface number (`-i 3`)
 * is resolved against the `-D` list by `index.ts`.
 */

/** FieldsOptions are the `-E` options of `-T fields`. */
export interface FieldsOptions {
  separator: string;
  header: boolean;
  occurrence: 'f' | 'l' | 'a';
  aggregator: string;
  quote: '' | '"' | "'";
  bom: boolean;
}

/**
 * DecodeAsRule is one `-d table==selector,proto` rule as written; the table, selector and protocol are
 * checked against the registry when the run is planned (./plan.ts, {@link parseSelector}), in tshark's
 * order.
 */
export interface DecodeAsRule {
  /** the layer type, without the spaces around it */
  table: string;
  /** the selector as written (tshark reads it with strtoul: white space may lead, nothing may trail) */
  selector: string;
  /** the protocol, without the spaces around it (an empty one is tshark's "No protocol name specified") */
  proto: string;
  /** `=` was written where `==` belongs: tshark warns and reads it as `==` */
  singleEquals: boolean;
  raw: string;
}

/** CliOptions is everything the command line asked for. */
export interface CliOptions {
  readFile?: string;
  /** `-i`: capture live on this interface (a name, or the number `-D` prints). */
  iface?: string;
  /** `-f`, or with `-i` the words after the options: the BPF capture filter. */
  captureFilter?: string;
  /** `-a`: tshark's autostop conditions (duration in seconds, packets, filesize in kB of 1000 bytes). */
  autostop: { duration?: number; packets?: number; filesize?: number };
  /** `-D`: list the capture interfaces and exit. */
  listInterfaces: boolean;
  /** `-c`: stop after this many records read or captured (tshark counts records, not displayed frames). */
  count?: number;
  writeFile?: string;
  /** `-F`: pcap (microseconds, as tshark's "pcap"), nsecpcap (nanoseconds) or pcapng. */
  writeFormat: 'pcap' | 'nsecpcap' | 'pcapng';
  prefs: { name: string; value: string; raw: string }[];
  noResolve: boolean;
  decodeAs: DecodeAsRule[];
  displayFilter?: string;
  /** `-R`, or the words after the options (tshark's read filter). */
  readFilter?: string;
  /** true when the read filter came from `-R` (which requires `-2`). */
  readFilterFromOption: boolean;
  twoPass: boolean;
  outputFormat: 'text' | 'fields' | 'json';
  /** `-t`: the Time column's format (tshark's time stamp types; default `r`, relative to the first frame). */
  timeFormat: TimeFormat;
  /** `-T` was given: like -V, -x and -P it asks for packet output even with -w or -q (tshark's print_packet_info). */
  outputFormatGiven: boolean;
  fields: string[];
  fieldsOptions: FieldsOptions;
  verbose: boolean;
  /** `-O proto,proto`: with -V, only these protocols are expanded. */
  onlyProtocols?: string[];
  hex: boolean;
  /** `-P`: print the summary line even with -V/-x or -w. */
  printSummary: boolean;
  quiet: boolean;
  /** `-l`: flush after every frame. */
  lineBuffered: boolean;
  stats: string[];
  help: boolean;
  version: boolean;
}

/** ParseError is a usage error: message lines (without the program prefix) and whether to add usage. */
export interface ParseError {
  lines: string[];
  usage: boolean;
  exitCode: number;
}

export type ParseResult = { ok: true; options: CliOptions } | { ok: false; error: ParseError };

/** Options that take an argument. */
const WITH_ARGUMENT = new Set(['r', 'c', 'w', 'F', 'o', 'd', 'Y', 'R', 'T', 'e', 'E', 'z', 'O', 'i', 'f', 'a', 't']);
/** Options without an argument. */
const FLAGS = new Set(['n', '2', 'V', 'x', 'q', 'P', 'l', 'h', 'v', 'D']);
/** Long options and the short option they stand for. */
const LONG: Record<string, string> = {
  help: 'h',
  version: 'v',
  'read-file': 'r',
  'display-filter': 'Y',
  'read-filter': 'R',
  print: 'P',
  interface: 'i',
  autostop: 'a',
  'list-interfaces': 'D',
};

/** FIELDS_E_HELP is tshark's list of `-E` options, printed after a bad `-E`. */
export const FIELDS_E_HELP = [
  'The available options for field output "E" are:',
  'bom=y|n    Prepend output with the UTF-8 BOM (def: N: no)',
  'header=y|n    Print field abbreviations as first line of output (def: N: no)',
  'separator=/t|/s|<character>   Set the separator to use;',
  '     "/t" = tab, "/s" = space (def: /t: tab)',
  'occurrence=f|l|a  Select the occurrence of a field to use;',
  '     "f" = first, "l" = last, "a" = all (def: a: all)',
  'aggregator=,|/s|<character>   Set the aggregator to use;',
  '     "," = comma, "/s" = space (def: ,: comma)',
  'quote=d|s|n   Print either d: double-quotes, s: single quotes or n: no quotes around field values (def: n: none)',
];

/** defaultOptions are tshark's defaults. */
export function defaultOptions(): CliOptions {
  return {
    autostop: {},
    listInterfaces: false,
    writeFormat: 'pcapng',
    prefs: [],
    noResolve: false,
    decodeAs: [],
    readFilterFromOption: false,
    twoPass: false,
    outputFormat: 'text',
    timeFormat: 'r',
    outputFormatGiven: false,
    fields: [],
    fieldsOptions: { separator: '\t', header: false, occurrence: 'a', aggregator: ',', quote: '', bom: false },
    verbose: false,
    hex: false,
    printSummary: false,
    quiet: false,
    lineBuffered: false,
    stats: [],
    help: false,
    version: false,
  };
}

function usageError(...lines: string[]): ParseResult {
  return { ok: false, error: { lines, usage: true, exitCode: 1 } };
}

/**
 * packetOutputAsked: -V, -x, -P or -T ask for packet output in so many words; tshark then prints it even
 * with -w FILE or -q (its print_packet_info), and refuses it with `-w -`.
 */
export function packetOutputAsked(o: CliOptions): boolean {
  return o.verbose || o.hex || o.printSummary || o.outputFormatGiven;
}

function plainError(...lines: string[]): ParseResult {
  return { ok: false, error: { lines, usage: false, exitCode: 1 } };
}

/** parsePacketCount follows tshark's get_positive_int for `-c` (and, with another name, `-a`). */
function parsePacketCount(text: string, what = 'packet count'): number | string {
  if (!/^[-+]?\d+$/.test(text.trim()) || text.trim() !== text) return `The specified ${what} "${text}" isn't a decimal number`;
  const n = Number(text);
  if (n < 0) return `The specified ${what} "${text}" is a negative number`;
  if (n === 0) return `The specified ${what} is zero`;
  if (n > 2147483647) return `The specified ${what} "${text}" is too large (greater than 2147483647)`;
  return n;
}

/** parseAutostop applies one `-a name:value` (tshark's names); returns an error message or undefined. */
function parseAutostop(stop: CliOptions['autostop'], text: string): string | undefined {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? '' : text.slice(colon + 1);
  if (value === '') return `Invalid or unknown -a flag "${text}"`;
  if (name === 'duration') {
    // tshark takes a decimal number of seconds; 0 stops at once.
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) return `The specified autostop duration "${value}" isn't a decimal number`;
    const seconds = Number(value);
    if (seconds < 0) return `The specified autostop duration "${value}" is a negative number`;
    stop.duration = seconds;
    return undefined;
  }
  if (name === 'packets' || name === 'filesize') {
    const n = parsePacketCount(value, name === 'packets' ? 'packet write count' : 'autostop filesize');
    if (typeof n === 'string') return n;
    stop[name] = n;
    return undefined;
  }
  if (name === 'files') return `"-a files:${value}" stops a ring buffer of files (-b), which Wirelab does not offer`;
  return `Invalid or unknown -a flag "${text}"`;
}

/** parseFieldsOption applies one `-E name=value`; false when tshark would reject it. */
function parseFieldsOption(fo: FieldsOptions, text: string): boolean {
  const eq = text.indexOf('=');
  // tshark ignores an -E word without "=".
  if (eq < 0) return true;
  const name = text.slice(0, eq);
  const value = text.slice(eq + 1);
  switch (name) {
    case 'separator':
      if (value === '') return false;
      if (value[0] === '/') fo.separator = value[1] === 't' ? '\t' : value[1] === 's' ? ' ' : '\\';
      else fo.separator = String.fromCodePoint(value.codePointAt(0)!);
      return true;
    case 'aggregator':
      if (value === '') return false;
      if (value[0] === '/') fo.aggregator = value[1] === 's' ? ' ' : '\\';
      else fo.aggregator = String.fromCodePoint(value.codePointAt(0)!);
      return true;
    case 'occurrence':
      if (value !== 'f' && value !== 'l' && value !== 'a') return false;
      fo.occurrence = value;
      return true;
    case 'quote':
      if (value === 'd') fo.quote = '"';
      else if (value === 's') fo.quote = "'";
      else if (value === 'n') fo.quote = '';
      else return false;
      return true;
    case 'header':
    case 'bom': {
      const v = value.toLowerCase();
      if (v !== 'y' && v !== 'n') return false;
      fo[name] = v === 'y';
      return true;
    }
    default:
      return false;
  }
}

/** TIME_FORMATS are tshark's `-t` time stamp types. */
export const TIME_FORMATS = ['a', 'ad', 'adoy', 'd', 'dd', 'e', 'r', 'u', 'ud', 'udoy'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];
/** TIME_FORMAT_HELP is tshark's list after an invalid `-t` (one line each, tab-indented). */
const TIME_FORMAT_HELP = [
  '\t"a"    for absolute',
  '\t"ad"   for absolute with YYYY-MM-DD date',
  '\t"adoy" for absolute with YYYY/DOY date',
  '\t"d"    for delta',
  '\t"dd"   for delta displayed',
  '\t"e"    for epoch',
  '\t"r"    for relative',
  '\t"u"    for absolute UTC',
  '\t"ud"   for absolute UTC with YYYY-MM-DD date',
  '\t"udoy" for absolute UTC with YYYY/DOY date',
];

/** parseDecodeAs splits a `-d` argument as tshark 4.0 does (ui/decode_as_utils.c); the parts are checked later. */
function parseDecodeAs(text: string): DecodeAsRule | string {
  const template = `Parameter "${text}" doesn't follow the template "<layer_type>==<selector>,<decode_as_protocol>"`;
  const eq = text.indexOf('=');
  if (eq < 0) return template;
  const singleEquals = text[eq + 1] !== '=';
  const rest = text.slice(eq + (singleEquals ? 1 : 2));
  const comma = rest.indexOf(',');
  if (comma < 0) return template;
  const spaces = (t: string) => t.replace(/^ +| +$/g, '');
  return { table: spaces(text.slice(0, eq)), selector: rest.slice(0, comma), proto: spaces(rest.slice(comma + 1)), singleEquals, raw: text };
}

/** what C's strtoul reads with base 0: white space, a sign, then hex, octal or decimal digits */
const STRTOUL = /^[\t\n\v\f\r ]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/;

/** the most values a `-d` selector range may name (every port, EtherType, …) */
const MAX_SELECTOR_RANGE = 65536;

/**
 * parseSelector reads a `-d` selector as tshark 4.0 does: a number as C's strtoul reads it with base 0
 * (white space and a sign may lead; 0x… is hex, 0… octal), at most 2^32 − 1, with nothing after it; or a
 * range `a-b` (b ≥ a) or `a:count` (count ≥ 1). Returns the values, or tshark's message.
 */
export function parseSelector(selector: string): number[] | string {
  const number = (text: string): number | undefined => {
    const m = new RegExp(`${STRTOUL.source}$`).exec(text);
    if (!m) return undefined;
    const digits = m[2];
    const v = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
    // strtoul negates in unsigned long arithmetic: only -0 stays in range.
    if (m[1] === '-') return v === 0 ? 0 : undefined;
    return v <= 0xffffffff ? v : undefined;
  };
  const single = number(selector);
  if (single !== undefined) return [single];
  // The first number ends where strtoul stops: at the first character that cannot continue it.
  const head = STRTOUL.exec(selector);
  const first = head ? number(head[0]) : undefined;
  const op = head ? selector[head[0].length] : undefined;
  if (first === undefined || (op !== ':' && op !== '-')) return `Invalid selector number "${selector}"`;
  const range = `Invalid selector numeric range "${selector}"`;
  const second = number(selector.slice(head![0].length + 1));
  if (second === undefined) return range;
  const [from, to] = op === ':' ? [first, first + second - 1] : [first, second];
  if ((op === ':' && second === 0) || to > 0xffffffff || to < from) return range;
  // (tshark would add four billion table entries for 0-4294967295; no table here has more than 2^16 values)
  if (to - from >= MAX_SELECTOR_RANGE) return `${range}: more than ${MAX_SELECTOR_RANGE} values`;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** parseArgs parses `argv` (without `node` and the script name). */
export function parseArgs(argv: readonly string[]): ParseResult {
  const o = defaultOptions();
  let i = 0;
  const apply = (opt: string, arg: string | undefined): ParseResult | undefined => {
    switch (opt) {
      case 'r':
        o.readFile = arg!;
        return;
      case 'i':
        o.iface = arg!;
        return;
      case 'f':
        o.captureFilter = arg!;
        return;
      case 'a': {
        const problem = parseAutostop(o.autostop, arg!);
        if (problem !== undefined) return plainError(problem);
        return;
      }
      case 'D':
        o.listInterfaces = true;
        return;
      case 't':
        if (!(TIME_FORMATS as readonly string[]).includes(arg!)) {
          return plainError(`Invalid time stamp type "${arg}"; it must be one of:`, ...TIME_FORMAT_HELP);
        }
        o.timeFormat = arg as TimeFormat;
        return;
      case 'c': {
        const n = parsePacketCount(arg!);
        if (typeof n === 'string') return plainError(n);
        o.count = n;
        return;
      }
      case 'w':
        o.writeFile = arg!;
        return;
      case 'F':
        if (arg !== 'pcap' && arg !== 'nsecpcap' && arg !== 'pcapng') {
          return plainError(
            `"${arg}" isn't a valid capture file type`,
            'The available capture file types for the "-F" flag are:',
            '    pcap - Wireshark/tcpdump/... - pcap',
            '    nsecpcap - Wireshark/tcpdump/... - nanosecond pcap',
            '    pcapng - Wireshark/... - pcapng',
          );
        }
        o.writeFormat = arg;
        return;
      case 'o': {
        const colon = arg!.indexOf(':');
        if (colon <= 0) return plainError(`Invalid -o flag "${arg}"`);
        o.prefs.push({ name: arg!.slice(0, colon).trim(), value: arg!.slice(colon + 1).trim(), raw: arg! });
        return;
      }
      case 'd': {
        const rule = parseDecodeAs(arg!);
        if (typeof rule === 'string') return plainError(rule);
        o.decodeAs.push(rule);
        return;
      }
      case 'Y':
        o.displayFilter = arg!;
        return;
      case 'R':
        o.readFilter = arg!;
        o.readFilterFromOption = true;
        return;
      case 'T':
        if (arg === 'fields' || arg === 'json' || arg === 'text') {
          o.outputFormat = arg;
          o.outputFormatGiven = true;
          return;
        }
        return plainError(
          `Invalid -T parameter "${arg}"; it must be one of:`,
          '\t"fields"  The values of fields specified with the -e option, in a form',
          '\t          specified by the -E option.',
          "\t\"json\"    Wirelab's JSON: one object per packet with its columns, layers",
          '\t          and detail tree (see docs/cli.md; not tshark\'s JSON).',
          '\t"text"    Text of a human-readable one-line summary of each of the packets,',
          '\t          or a multi-line view of the details of each of the packets,',
          '\t          depending on whether the -V flag was specified.',
          '\t          This is the default.',
        );
      case 'e':
        o.fields.push(arg!);
        return;
      case 'E':
        if (!parseFieldsOption(o.fieldsOptions, arg!)) {
          const name = arg!.slice(0, Math.max(0, arg!.indexOf('=')));
          return plainError(`"${name}" is not a valid field output option=value pair.`, ...FIELDS_E_HELP);
        }
        return;
      case 'z':
        o.stats.push(arg!);
        return;
      case 'O':
        o.onlyProtocols = arg!
          .split(/[ ,]+/)
          .map((s) => s.trim().toLowerCase())
          .filter((s) => s !== '');
        o.verbose = true;
        return;
      case 'n':
        o.noResolve = true;
        return;
      case '2':
        o.twoPass = true;
        return;
      case 'V':
        o.verbose = true;
        return;
      case 'x':
        o.hex = true;
        return;
      case 'q':
        o.quiet = true;
        return;
      case 'P':
        o.printSummary = true;
        return;
      case 'l':
        o.lineBuffered = true;
        return;
      case 'h':
        o.help = true;
        return;
      case 'v':
        o.version = true;
        return;
    }
    return usageError(`unrecognized option: ${opt}`);
  };

  while (i < argv.length) {
    const word = argv[i];
    if (word === '--') {
      i++;
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = word.slice(2, eq < 0 ? undefined : eq);
      const opt = LONG[name];
      if (opt === undefined) return usageError(`unrecognized option: ${name}`);
      i++;
      let arg: string | undefined;
      if (WITH_ARGUMENT.has(opt)) {
        if (eq >= 0) arg = word.slice(eq + 1);
        else if (i < argv.length) arg = argv[i++];
        else return usageError(`option requires an argument: ${name}`);
      } else if (eq >= 0) {
        return usageError(`option doesn't allow an argument: ${name}`);
      }
      const failed = apply(opt, arg);
      if (failed) return failed;
      continue;
    }
    if (!word.startsWith('-') || word === '-') break;
    i++;
    for (let j = 1; j < word.length; j++) {
      const opt = word[j];
      if (WITH_ARGUMENT.has(opt)) {
        let arg: string;
        if (j + 1 < word.length) arg = word.slice(j + 1);
        else if (i < argv.length) arg = argv[i++];
        else return usageError(`option requires an argument: ${opt}`);
        const failed = apply(opt, arg);
        if (failed) return failed;
        break;
      }
      if (!FLAGS.has(opt)) return usageError(`unrecognized option: ${opt}`);
      const failed = apply(opt, undefined);
      if (failed) return failed;
    }
  }
  if (i < argv.length) {
    if (o.readFile === undefined && o.iface !== undefined) {
      // Capturing: tshark takes the words after the options as the capture filter.
      if (o.captureFilter !== undefined) {
        return plainError('A capture filter was specified both with "-f" and with additional command-line arguments.');
      }
      o.captureFilter = argv.slice(i).join(' ');
    } else {
      if (o.readFilter !== undefined) {
        return plainError('Read filters were specified both with "-R" and with additional command-line arguments.');
      }
      o.readFilter = argv.slice(i).join(' ');
    }
  }
  if (o.help || o.version || o.listInterfaces) return { ok: true, options: o };

  // Cross-option checks, in tshark's order and words.
  if (o.readFile !== undefined && o.iface !== undefined) {
    // tshark 4.0 silently ignores -i when -r is given; Wirelab says so instead of guessing.
    return plainError('"-r" and "-i" were both specified: read a capture file or capture on an interface, not both.');
  }
  if (o.readFile !== undefined) {
    if (o.captureFilter !== undefined) return plainError('Only read filters, not capture filters, can be specified when reading a capture file.');
    if (o.autostop.duration !== undefined) return plainError("A maximum capture time was specified, but a capture isn't being done.");
  }
  if (o.iface !== undefined) {
    if (o.twoPass) return plainError('Live captures do not support two-pass analysis.');
    if (o.writeFile !== undefined && o.displayFilter !== undefined) {
      return plainError("Display filters aren't supported when capturing and saving the captured packets.");
    }
    if (o.autostop.filesize !== undefined && o.writeFile === undefined) {
      return plainError("Maximum capture file size specified, but capture isn't being saved to a file.");
    }
  }
  if (o.readFilterFromOption && !o.twoPass) return plainError('-R without -2 is deprecated. For single-pass filtering use -Y.');
  if (o.writeFile === '-' && packetOutputAsked(o)) return plainError("You can't write both raw packet data and dissected packets to the standard output.");
  if (o.outputFormat === 'fields' && o.fields.length === 0) {
    return plainError('"-Tfields" was specified, but no fields were specified with "-e".');
  }
  if (o.fields.length > 0 && o.outputFormat !== 'fields') {
    return plainError('Output fields were specified with "-e", but "-Tek, -Tfields, -Tjson or -Tpdml" was not specified.');
  }
  if (o.readFile === undefined && o.iface === undefined) {
    return usageError('no capture file or interface given: read a file (-r FILE) or capture live (-i IFACE; -D lists interfaces)');
  }
  return { ok: true, options: o };
}

/** USAGE is the option list printed by `-h` and after usage errors. */
export const USAGE = `Usage: wirelab [options] ...
       wirelab check FILE...      check capture files
       wirelab web                serve the UI over HTTP on 127.0.0.1
       wirelab labserver          run the lab SMTP/POP3 server

Capture interface:
  -i <interface>, --interface <interface>
                           name or idx of interface (see -D)
  -f <capture filter>      packet filter in libpcap filter syntax
  -D, --list-interfaces    print list of interfaces and exit

Capture stop conditions:
  -c <packet count>        stop after n packets (def: infinite)
  -a <autostop cond.> ..., --autostop <autostop cond.> ...
                           duration:NUM - stop after NUM seconds
                           filesize:NUM - stop this file after NUM KB
                            packets:NUM - stop after NUM packets

Input file:
  -r <infile>, --read-file <infile>
                           set the filename to read from (pcap, pcapng, .gz)

Processing:
  -2                       perform a two-pass analysis
  -R <read filter>, --read-filter <read filter>
                           packet Read filter in Wireshark display filter syntax
                           (requires -2)
  -Y <display filter>, --display-filter <display filter>
                           packet displaY filter in Wireshark display filter
                           syntax
  -n                       disable all name resolutions (accepted; Wirelab
                           never resolves names)
  -d <layer_type>==<selector>,<decode_as_protocol> ...
                           "Decode As", e.g. tcp.port==2525,smtp
  -c <packet count>        stop after n packets read (def: infinite)

Output:
  -w <outfile>             write packets to a file (after -Y filtering); "-"
                           for standard output
  -F <output file type>    pcap (microseconds), nsecpcap or pcapng (default)
  -V                       add output of packet tree        (Packet Details)
  -O <protocols>           only show packet details of these protocols, comma
                           separated
  -P, --print              print packet summary even with -V/-x or -w
  -x                       add output of hex and ASCII dump (Packet Bytes)
  -t a|ad|adoy|d|dd|e|r|u|ud|udoy
                           output format of time stamps (def: r: rel. to first)
  -T text|fields|json      format of text output (def: text); json is Wirelab's
                           own format (see docs/cli.md)
  -e <field>               field to print if -Tfields selected (e.g. tcp.port,
                           _ws.col.Info); this option can be repeated
  -E<fieldsoption>=<value> set options for output when -Tfields selected:
     bom=y|n               print a UTF-8 BOM
     header=y|n            switch headers on and off
     separator=/t|/s|<char> select tab, space, printable character as separator
     occurrence=f|l|a      print first, last or all occurrences of each field
     aggregator=,|/s|<char> select comma, space, printable character as
                           aggregator
     quote=d|s|n           select double, single, no quotes for values
  -l                       flush standard output after each packet
  -q                       be more quiet on stdout (e.g. when using statistics)
  -z credentials           list credentials (SMTP/POP AUTH, USER/PASS)
  -z follow,tcp,ascii|hex|raw,N
                           print the payload of TCP stream N

Miscellaneous:
  -h, --help               display this help and exit
  -v, --version            display version info and exit
  -o <name>:<value> ...    override preference setting
`;
