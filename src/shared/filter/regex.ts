/**
 * PCRE2 → JavaScript RegExp translation for `matches` / `~`. Wireshark compiles with PCRE2 and
 * PCRE2_CASELESS by default; a leading `(?-i)` turns case sensitivity back on. We translate the PCRE2
 * constructs that JS lacks or spells differently (`\A \z \Z`, `$` before a final newline, `\Q…\E`,
 * `(?P<name>…)`, `\x{…}`, POSIX classes, `\h`, a leading option group) and refuse, with a clear message,
 * those we cannot express (possessive quantifiers, atomic groups, recursion, conditionals, inline options
 * after the start, `\K`, `\R`, `\p`).
 *
 * Catastrophic backtracking: JS regexes cannot be interrupted, so instead of a step guard we refuse the
 * classic exponential shape — a group that contains an unbounded quantifier, itself repeated without a
 * small bound (`(a+)+`, `(x*y*)*`, `(a+){1,100}`). Evaluation is otherwise bounded by the subject size
 * (one field occurrence, at most one reassembled PDU), and the engine evaluates frames in chunks.
 */

/** RegexResult is a compiled regex or a PCRE2-worded error detail. */
export type RegexResult = { ok: true; regex: RegExp } | { ok: false; detail: string };

/** Outer repeat counts above this bound count as "unbounded" for the catastrophic check. */
const MAX_SAFE_OUTER_REPEAT = 10;

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

const JS_TO_PCRE: ReadonlyArray<readonly [RegExp, string]> = [
  [/Unterminated group/i, 'missing closing parenthesis'],
  [/numbers out of order/i, 'numbers out of order in {} quantifier'],
  [/Nothing to repeat/i, 'quantifier does not follow a repeatable item'],
  [/Unterminated character class/i, 'missing terminating ] for character class'],
  [/Unmatched '\)'/i, 'unmatched closing parenthesis'],
  [/\\ at end of pattern/i, '\\ at end of pattern'],
  [/Invalid capture group name/i, 'subpattern name expected'],
  [/Invalid group/i, 'unrecognized character after (? or (?-'],
];

const unsupported = (what: string): RegexResult => ({ ok: false, detail: `${what} is not supported by Wirelab` });

interface GroupFrame {
  /** hasUnbounded: the group contains a quantifier without a small upper bound. */
  hasUnbounded: boolean;
}

/** quantifierAt reads a quantifier at i: its source length, whether unbounded, and if possessive. */
function quantifierAt(p: string, i: number): { length: number; unbounded: boolean; possessive: boolean } | undefined {
  const c = p[i];
  let length = 0;
  let unbounded = false;
  if (c === '*' || c === '+') (length = 1), (unbounded = true);
  else if (c === '?') length = 1;
  else if (c === '{') {
    const m = /^\{(\d*)(,(\d*))?\}/.exec(p.slice(i));
    if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
    length = m[0].length;
    unbounded = m[2] !== undefined && (m[3] === '' || Number(m[3]) > MAX_SAFE_OUTER_REPEAT);
    if (m[2] === undefined && Number(m[1]) > MAX_SAFE_OUTER_REPEAT) unbounded = true;
  } else return undefined;
  const possessive = p[i + length] === '+';
  return { length, unbounded, possessive };
}

/** translateRegex compiles a PCRE2 pattern (as Wireshark 4.0 uses it) to a JS RegExp. */
export function translateRegex(pattern: string): RegexResult {
  let flags = new Set(['i']);
  let p = pattern;
  const lead = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(p);
  if (lead) {
    const on = lead[1] ?? '';
    const off = lead[2] ?? '';
    for (const f of on + off) if (!'ism'.includes(f)) return unsupported(`The option (?${f})`);
    flags = new Set([...flags, ...on].filter((f) => !off.includes(f)));
    p = p.slice(lead[0].length);
  }
  const multiline = flags.has('m');
  let out = '';
  const groups: GroupFrame[] = [{ hasUnbounded: false }];
  /** lastAtom: the source just emitted was a closed group with this frame (for the nesting check). */
  let lastGroup: GroupFrame | undefined;
  for (let i = 0; i < p.length; ) {
    const c = p[i]!;
    const quant = quantifierAt(p, i);
    if (quant) {
      if (quant.possessive) return unsupported('A possessive quantifier');
      if (lastGroup && lastGroup.hasUnbounded && quant.unbounded) {
        return { ok: false, detail: 'nested unbounded quantifiers can take exponential time; rewrite without repeating a repeated group' };
      }
      if (quant.unbounded) groups[groups.length - 1]!.hasUnbounded = true;
      out += p.slice(i, i + quant.length);
      i += quant.length;
      if (p[i] === '?') (out += '?'), i++;
      lastGroup = undefined;
      continue;
    }
    lastGroup = undefined;
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) return { ok: false, detail: '\\ at end of pattern' };
      if (e === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const literal = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 2;
        continue;
      }
      if (e === 'E') {
        i += 2;
        continue;
      }
      if (e === 'A') (out += '(?<![\\s\\S])'), (i += 2);
      else if (e === 'z') (out += '(?![\\s\\S])'), (i += 2);
      else if (e === 'Z') (out += '(?=\\n?(?![\\s\\S]))'), (i += 2);
      else if (e === 'h') (out += '[\\t \\xa0]'), (i += 2);
      else if (e === 'H') (out += '[^\\t \\xa0]'), (i += 2);
      else if (e === 'e') (out += '\\x1b'), (i += 2);
      else if (e === 'x' && p[i + 2] === '{') {
        const m = /^\\x\{([0-9a-fA-F]{1,4})\}/.exec(p.slice(i));
        if (!m) return unsupported('A code point above \\x{ffff}');
        out += '\\u' + m[1]!.padStart(4, '0');
        i += m[0].length;
      } else if (e === 'g') {
        const m = /^\\g\{?(\d+)\}?/.exec(p.slice(i));
        if (!m) return unsupported('\\g with a name');
        out += '\\' + m[1];
        i += m[0].length;
      } else if ('KRXCGpPN'.includes(e)) return unsupported(`\\${e}`);
      else (out += p.slice(i, i + 2)), (i += 2);
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (p[j] === '^') (cls += '^'), j++;
      if (p[j] === ']') (cls += '\\]'), j++;
      let closed = false;
      while (j < p.length) {
        const d = p[j]!;
        if (d === ']') {
          closed = true;
          j++;
          break;
        }
        if (d === '\\' && j + 1 < p.length) {
          const e = p[j + 1]!;
          if (e === 'h') cls += '\\t \\xa0';
          else cls += p.slice(j, j + 2);
          j += 2;
          continue;
        }
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(j));
        if (posix) {
          const set = POSIX_CLASSES[posix[2]!];
          if (set === undefined || posix[1]) return unsupported(`The POSIX class [:${posix[1]}${posix[2]}:]`);
          cls += set;
          j += posix[0].length;
          continue;
        }
        if (d === '[') cls += '\\[';
        else cls += d;
        j++;
      }
      if (!closed) return { ok: false, detail: 'missing terminating ] for character class' };
      out += cls + ']';
      i = j;
      continue;
    }
    if (c === '(') {
      const rest = p.slice(i);
      let open = '(';
      if (rest.startsWith('(?P<')) open = '(?<';
      else if (rest.startsWith('(?P=')) {
        const m = /^\(\?P=(\w+)\)/.exec(rest);
        if (!m) return { ok: false, detail: 'subpattern name expected' };
        out += `\\k<${m[1]}>`;
        i += m[0].length;
        continue;
      } else if (rest.startsWith('(?#')) {
        const end = p.indexOf(')', i);
        if (end < 0) return { ok: false, detail: 'missing ) after (?# comment' };
        i = end + 1;
        continue;
      } else if (rest.startsWith('(?')) {
        const m = /^\(\?(?::|=|!|<=|<!|<(?=[A-Za-z_]))/.exec(rest);
        if (!m) {
          if (/^\(\?[>|(R&+\-0-9]/.test(rest) || /^\(\?P>/.test(rest)) return unsupported(`The group "${rest.slice(0, 3)}"`);
          if (/^\(\?[a-zA-Z-]+[:)]/.test(rest)) return unsupported('An inline option group after the start of the pattern');
          if (rest.startsWith('(?<')) return { ok: false, detail: 'subpattern name expected' };
          return { ok: false, detail: 'unrecognized character after (? or (?-' };
        }
        open = m[0];
      }
      out += open;
      i += rest.startsWith('(?P<') ? 4 : open.length;
      groups.push({ hasUnbounded: false });
      continue;
    }
    if (c === ')') {
      if (groups.length === 1) return { ok: false, detail: 'unmatched closing parenthesis' };
      const frame = groups.pop()!;
      if (frame.hasUnbounded) groups[groups.length - 1]!.hasUnbounded = true;
      lastGroup = frame;
      out += ')';
      i++;
      continue;
    }
    if (c === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (groups.length > 1) return { ok: false, detail: 'missing closing parenthesis' };
  try {
    return { ok: true, regex: new RegExp(out, [...flags].join('')) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const [re, detail] of JS_TO_PCRE) if (re.test(message)) return { ok: false, detail };
    return { ok: false, detail: message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '').toLowerCase() };
  }
}
