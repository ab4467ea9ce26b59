/**
 * Label catalogues: the Packet Details tree in another language, as data beside the one field registry.
 *
 * The registry (each protocol file's `defineFields`) stays the only list of fields and keeps the English
 * labels that `tshark -V` prints; a catalogue only *translates* what the English tree already says. It is
 * keyed by filter name (`ip.src`, `smtp.response.code`), so a translation cannot name a field that does
 * not exist (test/unit/i18n/catalogue.test.ts checks every key against the registry and every field the
 * lab captures show against the catalogue). One file per locale keeps a translator's work in one place
 * and keeps the protocol files about wire formats; see docs/i18n.md for the choice.
 *
 * What a catalogue holds, in the order localize.ts applies it to one tree item:
 *  - `names`: the field or protocol name that starts the English label (`Source Port` → `源端口`); `{en}`
 *    in a name stands for the English name (`主题 ({en})` → `主题 (Subject)` for mail headers);
 *  - `values`: meanings of value tables (`250` → `请求的邮件操作已完成`), keeping the number beside it;
 *  - `words`: shared true/false strings and small words of labels (`Set` → `已设置`);
 *  - `rules`: per-field rewrites for labels that do not start with their field name or carry generated
 *    text after it (`[8 Reassembled TCP Segments (36 bytes): …]`, `Frame 1: 74 bytes on wire …`);
 *  - `phrases`: unit words after numbers (`bytes`, `seconds`) and fixed notes (`(relative sequence
 *    number)`), applied only to labels whose value the engine formats (never to a string field's value,
 *    which is text read from the packet and shown as it is);
 *  - `messages`: rewrites of expert messages after their leading field name is translated;
 *  - `text`: rewrites for text-only items (no field) under a given parent field (`[Timestamps]` under tcp);
 *  - `sources`: names of data sources (the Packet Bytes tabs: `Reassembled TCP (36 bytes)`).
 * Filter names, values, bytes and offsets never change: only `label` (and the expert message and source
 * names) of a detail node are translated.
 */

/** Rule rewrites a label with String.replace: the first match of `pattern`, or every match with the `g` flag. */
export type Rule = readonly [pattern: RegExp, replacement: string];

/** TextRule rewrites a text-only item whose parent item has the field `parent` (filter name). */
export interface TextRule {
  parent: string;
  pattern: RegExp;
  replacement: string;
}

/** LabelCatalogue is one locale's translation of tree labels (see the file comment). */
export interface LabelCatalogue {
  locale: string;
  names: Readonly<Record<string, string>>;
  values: Readonly<Record<string, Readonly<Record<number, string>>>>;
  words: Readonly<Record<string, string>>;
  phrases: readonly Rule[];
  rules: Readonly<Record<string, readonly Rule[]>>;
  messages: readonly Rule[];
  text: readonly TextRule[];
  sources: readonly Rule[];
}
