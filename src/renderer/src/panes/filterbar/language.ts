/**
 * The display-filter language for Monaco: a Monarch tokenizer (keywords, operators, strings, numbers and
 * addresses, functions, protocol and field names), light/dark themes, and completion from the shared
 * `completions` over the engine's field registry (field names with their labels, operators, values).
 * Registered once per page; the registry is read through a getter so it can arrive later.
 */
import type { FieldRegistry } from '../../../../shared/fields';
import { completions, type Completion } from '../../../../shared/filter/index';
import { monaco } from './monaco';

/** FILTER_LANGUAGE is the Monaco language id. */
export const FILTER_LANGUAGE = 'wirelab-filter';
/** THEMES by UI theme. */
export const FILTER_THEMES = { light: 'wirelab-filter-light', dark: 'wirelab-filter-dark' } as const;

const KEYWORDS = ['and', 'or', 'xor', 'not', 'in', 'any', 'all', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'contains', 'matches', 'any_eq', 'all_ne', 'all_eq', 'any_ne', 'bitwise_and'];
const FUNCTIONS = ['lower', 'upper', 'len', 'count', 'string', 'max', 'min', 'abs'];

let registryGetter: () => FieldRegistry | null = () => null;
let registered = false;

/** monarch builds the tokenizer; protocol names come from the registry when it is known. */
export function monarch(protocols: readonly string[]): monaco.languages.IMonarchLanguage {
  return {
    defaultToken: 'invalid',
    keywords: KEYWORDS,
    functions: FUNCTIONS,
    protocols: [...protocols],
    tokenizer: {
      root: [
        [/\s+/, 'white'],
        [/r?"([^"\\]|\\.)*"/, 'string'],
        [/r?"([^"\\]|\\.)*$/, 'string.invalid'],
        [/'([^'\\]|\\.)+'/, 'string'],
        [/===|!==|==|!=|>=|<=|&&|\|\||[<>!~&]/, 'operator'],
        [/\.\./, 'operator'],
        [/[()]/, '@brackets'],
        [/[{}[\]]/, '@brackets'],
        [/,/, 'delimiter'],
        [/-?0x[0-9a-fA-F]+\b/, 'number'],
        [/[0-9a-fA-F]{2}([:.-][0-9a-fA-F]{2})+\b/, 'number'],
        [/-?\d[\w.:/]*/, 'number'],
        [/[A-Za-z_][\w-]*(\.[\w-]+)+/, 'variable'],
        [
          /[A-Za-z_][\w-]*/,
          { cases: { '@keywords': 'keyword', '@functions': 'predefined', '@protocols': 'type', '@default': 'identifier' } },
        ],
        [/[:/]/, 'delimiter'],
      ],
    },
  };
}

const KIND: Record<Completion['kind'], monaco.languages.CompletionItemKind> = {
  field: monaco.languages.CompletionItemKind.Field,
  protocol: monaco.languages.CompletionItemKind.Module,
  operator: monaco.languages.CompletionItemKind.Operator,
  value: monaco.languages.CompletionItemKind.Value,
  function: monaco.languages.CompletionItemKind.Function,
  keyword: monaco.languages.CompletionItemKind.Keyword,
};

/** registerFilterLanguage registers the language, themes and completion once. */
export function registerFilterLanguage(getRegistry: () => FieldRegistry | null): void {
  registryGetter = getRegistry;
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: FILTER_LANGUAGE });
  monaco.languages.setLanguageConfiguration(FILTER_LANGUAGE, {
    brackets: [
      ['(', ')'],
      ['{', '}'],
      ['[', ']'],
    ],
    autoClosingPairs: [{ open: '"', close: '"', notIn: ['string'] }],
    wordPattern: /[A-Za-z0-9_.\-:]+/,
  });
  monaco.languages.setMonarchTokensProvider(FILTER_LANGUAGE, monarch([]));
  const common = [
    { token: 'keyword', fontStyle: 'bold' },
    { token: 'type', fontStyle: 'bold' },
  ];
  monaco.editor.defineTheme(FILTER_THEMES.light, {
    base: 'vs',
    inherit: true,
    rules: [
      ...common,
      { token: 'keyword', foreground: '0000c0' },
      { token: 'operator', foreground: '8b008b' },
      { token: 'string', foreground: 'a31515' },
      { token: 'number', foreground: '096d48' },
      { token: 'type', foreground: '005f87' },
      { token: 'variable', foreground: '1f3f9f' },
      { token: 'predefined', foreground: '795e26' },
      { token: 'invalid', foreground: 'c00000' },
    ],
    colors: { 'editor.background': '#00000000', 'editor.lineHighlightBackground': '#00000000', focusBorder: '#00000000' },
  });
  monaco.editor.defineTheme(FILTER_THEMES.dark, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      ...common,
      { token: 'keyword', foreground: '7fb4ff' },
      { token: 'operator', foreground: 'e08be0' },
      { token: 'string', foreground: 'f0a070' },
      { token: 'number', foreground: '9fe0a0' },
      { token: 'type', foreground: '4fd0e0' },
      { token: 'variable', foreground: 'b0c8ff' },
      { token: 'predefined', foreground: 'e0d080' },
      { token: 'invalid', foreground: 'ff8080' },
    ],
    colors: { 'editor.background': '#00000000', 'editor.lineHighlightBackground': '#00000000', focusBorder: '#00000000' },
  });
  monaco.languages.registerCompletionItemProvider(FILTER_LANGUAGE, {
    triggerCharacters: ['.', ' ', '=', '"', '{', '!', '(', ','],
    provideCompletionItems(model, position) {
      const registry = registryGetter();
      if (!registry) return { suggestions: [] };
      const text = model.getValue();
      const cursor = model.getOffsetAt(position);
      const result = completions(text, cursor, registry);
      const range = new monaco.Range(1, result.from + 1, 1, result.to + 1);
      return {
        suggestions: result.items.map((item, i) => ({
          label: { label: item.label, description: item.detail },
          kind: KIND[item.kind],
          insertText: item.insertText,
          detail: item.detail,
          range,
          sortText: String(i).padStart(4, '0'),
          filterText: item.label,
        })),
      };
    },
  });
}

/** updateProtocols re-tokenises with the registry's protocol names (bold, like Wireshark's). */
export function updateProtocols(registry: FieldRegistry): void {
  monaco.languages.setMonarchTokensProvider(FILTER_LANGUAGE, monarch(registry.allProtocols().map((p) => p.abbrev)));
}
