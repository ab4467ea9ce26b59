/**
 * TreeLocalizer translates a built detail tree (plain {@link DetailNode}s, English as `tshark -V` prints
 * them) into a catalogue's language. It runs only when a tree is built for display in a locale other than
 * English (`frame.detail` with `gui.locale` set): the first pass, filters, `-T fields` and the English tree
 * never reach it, so they cost and print exactly what they did before.
 *
 * Per item with a field (see catalogue.ts for the data): strip the generated-item brackets and the bit
 * picture (`.... ..1. = `), replace the English field name at the start of the label by the catalogue's,
 * translate the value-table meaning (`: Requested mail action okay, completed` → `: 请求的邮件操作已完成`)
 * or the boolean word, apply the field's rules, then the unit phrases (not for string fields: their value
 * is text from the packet). Expert items translate their severity, group and message. Text-only items
 * use the catalogue's text rules of their nearest field ancestor. Everything else of a node (`field`,
 * `value`, `src`, `start`, `length`, flags, children order) is copied unchanged.
 */
import type { FieldDef, FieldRegistry } from '../../../shared/fields';
import type { FrameDetail } from '../../../shared/contract';
import type { DetailNode } from '../../../shared/model';
import type { LabelCatalogue, Rule } from './catalogue';
import { zhCN } from './zh-CN';

/** ENGLISH is the locale of the registry's own labels (no catalogue). */
export const ENGLISH = 'en';

/** CATALOGUES are the tree-label languages besides English, by locale tag. */
export const CATALOGUES: Readonly<Record<string, LabelCatalogue>> = { [zhCN.locale]: zhCN };

/** ENGINE_LOCALES lists every locale `gui.locale` accepts. */
export const ENGINE_LOCALES: readonly string[] = [ENGLISH, ...Object.keys(CATALOGUES)];

const BIT_PICTURE = /^[01.]+(?: [01.]+)* = /;
const EXPERT_HEAD = /^ \(([^/)]+)\/([^)]+)\): /;

function applyRules(rules: readonly Rule[] | undefined, text: string): string {
  if (rules === undefined) return text;
  let out = text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out;
}

/** startsWithName: `label` begins with the whole name (followed by nothing, `:`, `,`, space or `(`). */
function startsWithName(label: string, name: string): boolean {
  if (name === '' || !label.startsWith(name)) return false;
  if (label.length === name.length) return true;
  const next = label[name.length];
  return next === ':' || next === ',' || next === ' ' || next === '(';
}

/** TreeLocalizer: see the file comment. One per (catalogue, registry); it keeps small lookup caches. */
export class TreeLocalizer {
  /** English names of expert fields (type none) with their translation, longest first. */
  private expertNames: Array<[string, string]> | undefined;

  constructor(
    readonly catalogue: LabelCatalogue,
    private readonly fields: FieldRegistry,
  ) {}

  /** detail returns a translated copy of a frame's detail (tree labels, expert messages, source names). */
  detail(detail: FrameDetail): FrameDetail {
    return {
      ...detail,
      tree: this.nodes(detail.tree, ''),
      sources: detail.sources.map((s) => ({ ...s, name: applyRules(this.catalogue.sources, s.name) })),
    };
  }

  /** nodes translates a list of sibling nodes whose nearest field ancestor is `parentField`. */
  nodes(nodes: readonly DetailNode[], parentField: string): DetailNode[] {
    return nodes.map((node) => this.node(node, parentField));
  }

  private node(node: DetailNode, parentField: string): DetailNode {
    const def = node.field === undefined ? undefined : this.fields.get(node.field);
    const out: DetailNode = { ...node, label: def ? this.fieldLabel(node, def) : this.textLabel(node.label, parentField) };
    if (node.expert) out.expert = { ...node.expert, message: this.message(node.expert.message) };
    if (node.children) out.children = this.nodes(node.children, node.field ?? parentField);
    return out;
  }

  private textLabel(label: string, parentField: string): string {
    for (const rule of this.catalogue.text) {
      if (rule.parent === parentField && rule.pattern.test(label)) return label.replace(rule.pattern, rule.replacement);
    }
    return label;
  }

  private fieldLabel(node: DetailNode, def: FieldDef): string {
    const cat = this.catalogue;
    let label = node.label;
    const bracketed = label.startsWith('[') && label.endsWith(']');
    if (bracketed) label = label.slice(1, -1);
    const picture = BIT_PICTURE.exec(label)?.[0] ?? '';
    let head = '';
    let tail = label.slice(picture.length);
    const name = cat.names[def.abbrev];
    if (name !== undefined && startsWithName(tail, def.name)) {
      head = name.replace('{en}', def.name);
      tail = tail.slice(def.name.length);
    }
    if (def.abbrev === '_ws.expert') tail = this.expertTail(tail);
    else if (def.abbrev === '_ws.expert.message' && tail.startsWith(': ')) tail = ': ' + this.message(tail.slice(2));
    else tail = this.valueTail(def, node.value, tail);
    let text = applyRules(cat.rules[def.abbrev], head + tail);
    if (node.expert) text = applyRules(cat.messages, text);
    if (def.type !== 'string') text = applyRules(cat.phrases, text);
    text = picture + text;
    return bracketed ? `[${text}]` : text;
  }

  /** valueTail translates `: <meaning>` of a value table or a boolean word at the start of `tail`. */
  private valueTail(def: FieldDef, value: string | undefined, tail: string): string {
    if (!tail.startsWith(': ')) return tail;
    const table = this.catalogue.values[def.abbrev];
    if (table !== undefined && def.values !== undefined && value !== undefined) {
      const number = Number(value);
      const english = def.values[number];
      const translated = table[number];
      if (english !== undefined && translated !== undefined && tail.startsWith(english, 2)) {
        return ': ' + translated + tail.slice(2 + english.length);
      }
      return tail;
    }
    if (def.type === 'boolean') {
      const word = this.catalogue.words[tail.slice(2)];
      if (word !== undefined) return ': ' + word;
    }
    return tail;
  }

  /** expertTail translates ` (Chat/Sequence): message` of an `_ws.expert` item. */
  private expertTail(tail: string): string {
    const m = EXPERT_HEAD.exec(tail);
    if (!m) return tail;
    const severity = this.valueWord('_ws.expert.severity', m[1]);
    const group = this.valueWord('_ws.expert.group', m[2]);
    return ` (${severity}/${group}): ${this.message(tail.slice(m[0].length))}`;
  }

  /** valueWord translates an English meaning of `abbrev`'s value table (the word itself when unknown). */
  private valueWord(abbrev: string, english: string): string {
    const values = this.fields.get(abbrev)?.values;
    const table = this.catalogue.values[abbrev];
    if (values === undefined || table === undefined) return english;
    for (const key of Object.keys(values)) {
      if (values[Number(key)] === english) return table[Number(key)] ?? english;
    }
    return english;
  }

  /** message translates an expert message: its leading expert-field name, then the message rules. */
  message(message: string): string {
    if (this.expertNames === undefined) {
      this.expertNames = [];
      for (const def of this.fields.all()) {
        const name = this.catalogue.names[def.abbrev];
        if (def.type === 'none' && name !== undefined) this.expertNames.push([def.name, name]);
      }
      this.expertNames.sort((a, b) => b[0].length - a[0].length);
    }
    let out = message;
    for (const [english, translated] of this.expertNames) {
      if (startsWithName(message, english)) {
        out = translated + message.slice(english.length);
        break;
      }
    }
    return applyRules(this.catalogue.messages, out);
  }
}

/** createLocalizer returns the localizer of `locale`, or undefined for English (nothing to translate). */
export function createLocalizer(locale: string, fields: FieldRegistry): TreeLocalizer | undefined {
  if (locale === ENGLISH) return undefined;
  const catalogue = Object.hasOwn(CATALOGUES, locale) ? CATALOGUES[locale] : undefined;
  if (catalogue === undefined) throw new Error(`Unknown locale "${locale}" for gui.locale: use one of ${ENGINE_LOCALES.join(', ')}`);
  return new TreeLocalizer(catalogue, fields);
}
