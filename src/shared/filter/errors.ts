/**
 * Filter error values and the fixed wording of every message, copied from tshark 4.0.17 where tshark has
 * one (verified by running `tshark -Y`; the unit tests re-check them against the installed tshark).
 * Errors are values, never thrown to callers: internally the lexer, parser and checker throw
 * {@link FilterSyntaxError} and `compileFilter` turns it into a `FilterError`.
 */
import type { FieldType } from '../fields';

/** FilterError is a compile error or warning with the span of the offending token. */
export interface FilterError {
  message: string;
  /** start is the UTF-16 offset of the token in the filter text (0 ≤ start ≤ text.length). */
  start: number;
  /** length of the token; 0 for a position (end of input, missing quote). */
  length: number;
  hint?: string;
}

/** UNEXPECTED_END is tshark's message for a filter that stops too early; tshark shows no underline. */
export const UNEXPECTED_END = 'Unexpected end of filter expression.';
/** MISSING_QUOTE is tshark's message for an unclosed string literal. */
export const MISSING_QUOTE = 'The final quote was missing from a quoted string.';
/** MISSING_BRACKET is tshark's message for an unclosed slice. */
export const MISSING_BRACKET = 'The right bracket was missing from a slice.';
/** MAX_NESTING is our explicit parser depth limit (tshark's LEMON stack overflows near 100). */
export const MAX_NESTING = 256;

/** FilterSyntaxError carries a FilterError through the recursive parts of the compiler. */
export class FilterSyntaxError extends Error {
  constructor(readonly error: FilterError) {
    super(error.message);
  }
}

/** fail throws a FilterSyntaxError for the span; the compiler entry point catches it. */
export function fail(message: string, start: number, length: number, hint?: string): never {
  throw new FilterSyntaxError(hint === undefined ? { message, start, length } : { message, start, length, hint });
}

/** Messages builds each tshark 4.0 message from its parts. */
export const Messages = {
  unexpected: (token: string) => `"${token}" was unexpected in this context.`,
  notAField: (name: string) => `${name} is neither a field nor a protocol name.`,
  tooBig: (literal: string, max: string) => `"${literal}" too big for this field, maximum ${max}.`,
  tooSmall: (literal: string, min: string) => `"${literal}" too small for this field, minimum ${min}.`,
  overflow: (literal: string) => `"${literal}" causes an integer overflow.`,
  notFromString: (type: FieldType, value: string) => `${typeName(type)} cannot be converted from a string ("${value}").`,
  notANumber: (literal: string) => `"${literal}" is not a valid number.`,
  notInValues: (literal: string, abbrev: string) => `"${literal}" cannot be found among the possible values for ${abbrev}.`,
  notIPv4: (literal: string) => `"${literal}" is not a valid hostname or IPv4 address.`,
  notIPv6: (literal: string) => `"${literal}" is not a valid IPv6 address.`,
  netmask: (bits: string) => `Netmask bits in a CIDR IPv4 address should be <= 32, not ${bits}`,
  prefix: (bits: string) => `Prefix in a IPv6 address should be <= 128, not ${bits}`,
  etherFew: (literal: string) => `"${literal}" contains too few bytes to be a valid Ethernet address.`,
  etherMany: (literal: string) => `"${literal}" contains too many bytes to be a valid Ethernet address.`,
  notEther: (literal: string) => `"${literal}" is not a valid Ethernet address.`,
  notBytes: (literal: string) => `"${literal}" is not a valid byte string.`,
  notTime: (literal: string) => `"${literal}" is not a valid time.`,
  notAbsTime: (literal: string) =>
    `"${literal}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`,
  cannotParticipate: (name: string, type: FieldType, op: string) =>
    `${name} (type=${typeName(type)}) cannot participate in ${op} comparison.`,
  notCompatible: (left: string, right: string) => `${left} and ${right} are not of compatible types.`,
  leftSide: (op: string, token: string) => `Left side of "${op}" expression must be a field or function, not ${token}.`,
  cannotSlice: (abbrev: string, type: FieldType) =>
    `"${abbrev}" is a ${typeName(type)} and cannot be sliced into a sequence of bytes.`,
  rangeOrder: (text: string, from: number, to: number) =>
    `Range ${text} isn't valid because ${from} is greater or equal than ${to}`,
  rangeLength: (text: string, length: number) => `Range ${text} isn't valid because length ${length} isn't positive`,
  noFunction: (name: string) => `Function '${name}' does not exist`,
  functionPresent: 'You cannot test whether a function is present.',
  functionMaxArgs: (name: string, max: number) => `Function ${name} can only accept ${max} arguments.`,
  functionMinArgs: (name: string, min: number) => `Function ${name} needs at least ${min} arguments.`,
  onlyStrings: (name: string) => `Only string type fields can be used as parameter for ${name}()`,
  matchesString: 'Matches requires a double quoted string on the right side.',
  bitwise: (type: FieldType) => `${ftypeName(type)} cannot &.`,
  charTooLong: (literal: string) => `${literal} is too long to be a valid character constant.`,
  badEscape: (escape: string) => `${escape} is not a valid character escape sequence`,
  octalTooBig: (escape: string) => `${escape} is larger than 255.`,
  badUniversal: (escape: string) => `${escape} is not a valid universal character name`,
  regex: (detail: string) => `Regex compilation error: ${detail}.`,
  tooDeep: `Filter is nested too deeply (more than ${MAX_NESTING} levels).`,
};

/** typeName is Wireshark's ftype pretty name, as used in tshark's conversion errors. */
export function typeName(type: FieldType): string {
  switch (type) {
    case 'uint8':
      return 'Unsigned integer (1 byte)';
    case 'uint16':
      return 'Unsigned integer (2 bytes)';
    case 'uint24':
      return 'Unsigned integer (3 bytes)';
    case 'uint32':
      return 'Unsigned integer (4 bytes)';
    case 'uint64':
      return 'Unsigned integer (8 bytes)';
    case 'int32':
      return 'Signed integer (4 bytes)';
    case 'framenum':
      return 'Frame number';
    case 'boolean':
      return 'Boolean';
    case 'string':
      return 'Character string';
    case 'bytes':
      return 'Byte sequence';
    case 'ipv4':
      return 'IPv4 address';
    case 'ipv6':
      return 'IPv6 address';
    case 'ether':
      return 'Ethernet or other MAC address';
    case 'abstime':
      return 'Date and time';
    case 'reltime':
      return 'Time offset';
    case 'double':
      return 'Floating point (double-precision)';
    case 'protocol':
      return 'Protocol';
    case 'none':
      return 'Label';
  }
}

/** ftypeName is Wireshark's C enum name (FT_UINT16…), used by a few tshark messages. */
export function ftypeName(type: FieldType): string {
  const names: Record<FieldType, string> = {
    protocol: 'FT_PROTOCOL',
    none: 'FT_NONE',
    boolean: 'FT_BOOLEAN',
    uint8: 'FT_UINT8',
    uint16: 'FT_UINT16',
    uint24: 'FT_UINT24',
    uint32: 'FT_UINT32',
    uint64: 'FT_UINT64',
    int32: 'FT_INT32',
    double: 'FT_DOUBLE',
    string: 'FT_STRING',
    bytes: 'FT_BYTES',
    ipv4: 'FT_IPv4',
    ipv6: 'FT_IPv6',
    ether: 'FT_ETHER',
    abstime: 'FT_ABSOLUTE_TIME',
    reltime: 'FT_RELATIVE_TIME',
    framenum: 'FT_FRAMENUM',
  };
  return names[type];
}
