/**
 * MAC address name resolution as Wireshark 4.0 does it by default (`nameres.mac_name: TRUE`): the
 * Packet List's Source/Destination for non-IP frames and Ethernet labels show `Broadcast`,
 * `IPv4mcast_fb`, `PcsCompu_3a:4b:5c` or the plain address. Sources, in Wireshark's order:
 *  1. well-known addresses (`wka`) matching all 48 bits → the name;
 *  2. well-known and manufacturer entries with a mask longer than 24 bits (`/25`, `/28`, `/36`, `/40`,
 *     `/44`) → `name_` + the wildcard bits as the fewest whole bytes (at least one):
 *     `01:00:5e:00:00:fb` → `IPv4mcast_fb`, `00:1b:c5:00:1f:ff` → `OpenRBco_0f:ff`;
 *  3. the 24-bit OUI → `name_` + the last three bytes (`RealtekU_12:34:56`);
 *  4. shorter well-known masks (`33:33/16` → `IPv6mcast_ff:12:34:56`), same minimal-bytes rule;
 *  5. otherwise the address itself.
 * The data is Wireshark's `manuf` and `wka` files, read once from a Wireshark installation when one
 * exists (so labels match the local tshark exactly); otherwise a small built-in table covering the
 * addresses seen in labs (loopback zero MACs, broadcast, multicast, common hypervisors) is used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { formatEther } from '../../../shared/format';

interface MaskedEntry {
  bits: number;
  /** the first `bits` bits of the address, as a bigint over 48 bits */
  prefix: bigint;
  name: string;
}

interface MacTables {
  exact: Map<string, string>;
  oui: Map<number, { short: string; long: string }>;
  /** masked entries sorted by descending mask length */
  masked: MaskedEntry[];
  /**
   * longByOui: masked entries longer than 24 bits (MA-M, MA-S, /28, /36…) grouped by their first three
   * bytes, so a lookup scans only the few entries of its OUI instead of tens of thousands.
   */
  longByOui?: Map<number, MaskedEntry[]>;
  /** shortMasked: masked entries of 24 bits or fewer (a short list, scanned after the OUI table). */
  shortMasked?: MaskedEntry[];
}

const BUILTIN_MANUF = `00:00:00\t00:00:00\tOfficially Xerox, but 0:0:0:0:0:0 is more common
00:00:0C\tCisco\tCisco Systems, Inc
00:03:FF\tMicrosof\tMicrosoft Corporation
00:05:69\tVMware\tVMware, Inc.
00:0C:29\tVMware\tVMware, Inc.
00:15:5D\tMicrosof\tMicrosoft Corporation
00:16:3E\tXensourc\tXensource, Inc.
00:1C:42\tParallel\tParallels, Inc.
00:50:56\tVMware\tVMware, Inc.
08:00:27\tPcsCompu\tPCS Computer Systems GmbH
52:54:00\tRealtekU\tRealtek (UpTech? also reported)
`;

const BUILTIN_WKA = `01-00-5E/25\tIPv4mcast
33-33-00-00-00-00\tIPv6-Neighbor-Discovery
33-33-00-00-00-00/16\tIPv6mcast
01-80-C2-00-00-00/44\tSpanning-tree-(for-bridges)
FF-FF-FF-FF-FF-FF\tBroadcast
`;

const SEARCH_DIRS = [
  process.env.WIRELAB_WIRESHARK_DATA,
  '/usr/share/wireshark',
  '/usr/local/share/wireshark',
  '/opt/homebrew/share/wireshark',
  '/Applications/Wireshark.app/Contents/Resources/share/wireshark',
  'C:\\Program Files\\Wireshark',
];

function parseAddress(text: string): { bytes: number[]; bits: number } | undefined {
  const [addr, maskText] = text.split('/');
  const parts = addr.split(/[:.-]/).filter((p) => p.length > 0);
  if (parts.length === 0 || parts.length > 6) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    const v = parseInt(p, 16);
    if (!/^[0-9a-fA-F]{1,2}$/.test(p) || Number.isNaN(v)) return undefined;
    bytes.push(v);
  }
  const bits = maskText !== undefined ? Number(maskText) : bytes.length * 8;
  if (!Number.isInteger(bits) || bits <= 0 || bits > 48) return undefined;
  while (bytes.length < 6) bytes.push(0);
  return { bytes, bits };
}

function toBig(bytes: ArrayLike<number>): bigint {
  let v = 0n;
  for (let i = 0; i < 6; i++) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

function prefixOf(value: bigint, bits: number): bigint {
  return value >> BigInt(48 - bits);
}

/** hexByte is the value of the two hex digits at text[at], or -1. */
function hexByte(text: string, at: number): number {
  const h = HEX_VALUE[text.charCodeAt(at) & 0x7f];
  const l = HEX_VALUE[text.charCodeAt(at + 1) & 0x7f];
  return text.charCodeAt(at) < 0x80 && text.charCodeAt(at + 1) < 0x80 && h >= 0 && l >= 0 ? (h << 4) | l : -1;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[0x41 + i] = HEX_VALUE[0x61 + i] = 10 + i;

/**
 * ouiOf reads the `HH:HH:HH` address that starts most manuf lines (followed by a tab) as a 24-bit key,
 * or -1 for any other form (masks, other separators, whole addresses), which parseAddress then reads.
 * Most of the file's 50 000 lines take this path: loading the table costs ~30 ms instead of ~200 ms.
 */
export function ouiOf(line: string): number {
  if (line.length < 10 || line.charCodeAt(2) !== 0x3a || line.charCodeAt(5) !== 0x3a || line.charCodeAt(8) !== 0x09) return -1;
  const a = hexByte(line, 0);
  const b = hexByte(line, 3);
  const c = hexByte(line, 6);
  return a < 0 || b < 0 || c < 0 ? -1 : (a << 16) | (b << 8) | c;
}

/**
 * fullAddressOf reads the `HH:HH:HH:HH:HH:HH` and `HH:HH:HH:HH:HH:HH/NN` forms (a third of the manuf
 * file: the MA-M and MA-S blocks) as parseAddress does, without a regular expression per byte; any other
 * form gives undefined and goes to parseAddress.
 */
function fullAddressOf(text: string): { bytes: number[]; bits: number } | undefined {
  if (text.length !== 17 && !(text.length === 20 && text.charCodeAt(17) === 0x2f)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < 6; i++) {
    if (i > 0 && text.charCodeAt(3 * i - 1) !== 0x3a) return undefined;
    const b = hexByte(text, 3 * i);
    if (b < 0) return undefined;
    bytes.push(b);
  }
  if (text.length === 17) return { bytes, bits: 48 };
  const d1 = text.charCodeAt(18) - 0x30;
  const d2 = text.charCodeAt(19) - 0x30;
  if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  const bits = 10 * d1 + d2;
  return bits > 0 && bits <= 48 ? { bytes, bits } : undefined;
}

/** parseTables reads Wireshark's manuf and wka files (exported for tests). */
export function parseTables(manuf: string, wka: string): MacTables {
  const tables: MacTables = { exact: new Map(), oui: new Map(), masked: [] };
  const add = (line: string, fromWka: boolean): void => {
    const oui = fromWka ? -1 : ouiOf(line);
    if (oui < 0 && (line.startsWith('#') || line.trim() === '')) return;
    const cols = line.split('\t').filter((c) => c.length > 0);
    if (cols.length < 2) return;
    const short = cols[1].trim();
    const long = (cols[2] ?? short).trim();
    // manuf short names are truncated to eight characters when Wireshark uses them (file comment).
    const name = fromWka || short.length <= 8 ? short : [...short].slice(0, 8).join('');
    if (oui >= 0) {
      if (!tables.oui.has(oui)) tables.oui.set(oui, { short: name, long });
      return;
    }
    const parsed = fullAddressOf(cols[0]) ?? parseAddress(cols[0].trim());
    if (!parsed) return;
    if (parsed.bits === 48) {
      if (!tables.exact.has(formatEther(Uint8Array.from(parsed.bytes)))) {
        tables.exact.set(formatEther(Uint8Array.from(parsed.bytes)), name);
      }
    } else if (parsed.bits === 24 && !fromWka) {
      const key = (parsed.bytes[0] << 16) | (parsed.bytes[1] << 8) | parsed.bytes[2];
      if (!tables.oui.has(key)) tables.oui.set(key, { short: name, long });
    } else {
      tables.masked.push({ bits: parsed.bits, prefix: prefixOf(toBig(parsed.bytes), parsed.bits), name });
    }
  };
  for (const line of wka.split('\n')) add(line, true);
  for (const line of manuf.split('\n')) add(line, false);
  tables.masked.sort((a, b) => b.bits - a.bits);
  return tables;
}

let tables: MacTables | undefined;

function loadTables(): MacTables {
  if (tables) return tables;
  for (const dir of SEARCH_DIRS) {
    if (!dir) continue;
    const sep = dir.includes('\\') ? '\\' : '/';
    try {
      const manufPath = `${dir}${sep}manuf`;
      const wkaPath = `${dir}${sep}wka`;
      if (existsSync(manufPath)) {
        const manuf = readFileSync(manufPath, 'utf8');
        const wka = existsSync(wkaPath) ? readFileSync(wkaPath, 'utf8') : BUILTIN_WKA;
        tables = parseTables(manuf, wka);
        return tables;
      }
    } catch {
      // Unreadable installation data: fall back to the built-in table below.
    }
  }
  tables = parseTables(BUILTIN_MANUF, BUILTIN_WKA);
  return tables;
}

/** useBuiltinMacTables switches to the built-in table only (tests that must not depend on the host). */
export function useBuiltinMacTables(): void {
  tables = parseTables(BUILTIN_MANUF, BUILTIN_WKA);
  cache.clear();
}

function wildcardText(value: bigint, bits: number): string {
  const wild = value & ((1n << BigInt(48 - bits)) - 1n);
  const parts: string[] = [];
  let v = wild;
  do {
    parts.unshift(Number(v & 0xffn).toString(16).padStart(2, '0'));
    v >>= 8n;
  } while (v > 0n);
  return parts.join(':');
}

// Keyed by the 48-bit address as a number, so the Packet List's per-frame lookups build no strings.
const cache = new Map<number, string>();
const CACHE_LIMIT = 4096;

/** resolveMac returns Wireshark's resolved name of a MAC address (the address itself when unknown). */
export function resolveMac(bytes: Uint8Array): string {
  const key = ((bytes[0] << 8) | bytes[1]) * 0x100000000 + (((bytes[2] << 24) | (bytes[3] << 16) | (bytes[4] << 8) | bytes[5]) >>> 0);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const name = resolveUncached(bytes, formatEther(bytes));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, name);
  return name;
}

function resolveUncached(bytes: Uint8Array, text: string): string {
  const t = loadTables();
  const exact = t.exact.get(text);
  if (exact !== undefined) return exact;
  const value = toBig(bytes);
  if (!t.longByOui) {
    t.longByOui = new Map();
    for (const entry of t.masked) {
      if (entry.bits <= 24) break;
      const oui = Number(entry.prefix >> BigInt(entry.bits - 24));
      let list = t.longByOui.get(oui);
      if (!list) t.longByOui.set(oui, (list = []));
      list.push(entry);
    }
  }
  for (const entry of t.longByOui.get((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]) ?? []) {
    if (prefixOf(value, entry.bits) === entry.prefix) return `${entry.name}_${wildcardText(value, entry.bits)}`;
  }
  const oui = t.oui.get((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);
  if (oui) return `${oui.short}_${text.slice(9)}`;
  t.shortMasked ??= t.masked.filter((entry) => entry.bits <= 24);
  for (const entry of t.shortMasked) {
    if (prefixOf(value, entry.bits) === entry.prefix) return `${entry.name}_${wildcardText(value, entry.bits)}`;
  }
  return text;
}

/** ouiName returns the manufacturer's long name for the first three bytes, if known. */
export function ouiName(bytes: Uint8Array): string | undefined {
  return loadTables().oui.get((bytes[0] << 16) | (bytes[1] << 8) | bytes[2])?.long;
}

/** macLabel is Wireshark's label form of an address: `RealtekU_12:34:56 (52:54:00:12:34:56)`. */
export function macLabel(bytes: Uint8Array): string {
  return `${resolveMac(bytes)} (${formatEther(bytes)})`;
}
