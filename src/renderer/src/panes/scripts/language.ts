/**
 * The command-script language for Monaco: a Monarch tokenizer for SMTP and POP3 commands, `#` comments,
 * `{{base64:text}}` expansions, `@` directives and the DATA message body (up to the lone "."), light and
 * dark themes, and completion of commands (with the lab accounts' names and addresses), directives and
 * the base64 expansion. Registered once per page, on the Monaco set up by the filter bar (local, no CDN).
 */
import { monaco } from '../filterbar/monaco';

/** SCRIPT_LANGUAGE is the Monaco language id. */
export const SCRIPT_LANGUAGE = 'wirelab-mail';
/** SCRIPT_THEMES by UI theme. */
export const SCRIPT_THEMES = { light: 'wirelab-mail-light', dark: 'wirelab-mail-dark' } as const;

/** SMTP_COMMANDS and POP3_COMMANDS are highlighted and completed. */
export const SMTP_COMMANDS = ['ehlo', 'helo', 'auth', 'mail', 'rcpt', 'data', 'rset', 'noop', 'vrfy', 'expn', 'help', 'starttls', 'quit'];
export const POP3_COMMANDS = ['user', 'pass', 'stat', 'list', 'retr', 'dele', 'top', 'uidl', 'apop', 'capa', 'rset', 'noop', 'quit'];

/** Account is what completion needs of a lab account. */
export interface CompletionAccount {
  user: string;
  password: string;
  address: string;
}

let accountsGetter: () => CompletionAccount[] = () => [];
let registered = false;

/** scriptMonarch is the tokenizer. */
export function scriptMonarch(): monaco.languages.IMonarchLanguage {
  return {
    ignoreCase: true,
    defaultToken: '',
    smtp: SMTP_COMMANDS.filter((c) => !POP3_COMMANDS.includes(c)),
    pop: POP3_COMMANDS.filter((c) => !SMTP_COMMANDS.includes(c)),
    both: SMTP_COMMANDS.filter((c) => POP3_COMMANDS.includes(c)),
    tokenizer: {
      root: [
        [/\s*#.*$/, 'comment'],
        [/@(connect|mode|wait)\b/, 'annotation'],
        [/@\w+/, 'invalid'],
        [/\{\{base64:[^}]*\}\}/, 'string.escape'],
        [/data\s*$/, { token: 'keyword.smtp', next: '@data' }],
        [/<[^>]*>/, 'string'],
        [/\b(from|to):/, 'type'],
        [/\b(login|plain|lab-smtp|lab-pop3|line|character)\b/, 'type'],
        [/\d+/, 'number'],
        [/[A-Za-z][\w-]*/, { cases: { '@smtp': 'keyword.smtp', '@pop': 'keyword.pop', '@both': 'keyword', '@default': 'identifier' } }],
      ],
      data: [
        [/\s*#.*$/, 'comment'],
        [/\.$/, { token: 'keyword.smtp', next: '@pop' }],
        [/\{\{base64:[^}]*\}\}/, 'string.escape'],
        [/[A-Za-z-]+:(?=\s)/, 'type'],
        [/.+$/, 'string.body'],
      ],
    },
  };
}

function items(range: monaco.IRange): monaco.languages.CompletionItem[] {
  const Kind = monaco.languages.CompletionItemKind;
  const accounts = accountsGetter();
  const out: monaco.languages.CompletionItem[] = [];
  const add = (label: string, detail: string, kind = Kind.Keyword, insertText = label, snippet = false) =>
    out.push({
      label,
      kind,
      detail,
      insertText,
      range,
      insertTextRules: snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
    });
  add('ehlo li', 'SMTP: greet the server (250)');
  add('helo li', 'SMTP: old greeting');
  add('auth login', 'SMTP: log in, user and password in base64 (334)');
  add('auth plain', 'SMTP: log in with \\0user\\0password in base64');
  for (const a of accounts) {
    add(`mail from: <${a.address}>`, 'SMTP: sender (250)');
    add(`rcpt to: <${a.address}>`, 'SMTP: recipient (250)');
    add(`{{base64:${a.user}}}`, `base64 of "${a.user}"`, Kind.Value);
    add(`{{base64:${a.password}}}`, `base64 of the password of ${a.user}`, Kind.Value);
    add(`user ${a.user}`, 'POP3: user name (+OK)');
    add(`pass ${a.password}`, 'POP3: password (+OK)');
  }
  add('mail from: <${1:address}>', 'SMTP: sender', Kind.Snippet, 'mail from: <${1:address}>', true);
  add('rcpt to: <${1:address}>', 'SMTP: recipient', Kind.Snippet, 'rcpt to: <${1:address}>', true);
  add('data', 'SMTP: message follows, end with "." (354)');
  add('rset', 'SMTP/POP3: reset');
  add('noop', 'SMTP/POP3: no operation');
  add('quit', 'SMTP (221) / POP3 (+OK): end the session');
  add('stat', 'POP3: message count and size');
  add('list', 'POP3: list messages (multi-line)');
  add('retr 1', 'POP3: read message 1 (multi-line)');
  add('dele 1', 'POP3: mark message 1 for deletion');
  add('top 1 0', 'POP3: headers of message 1');
  add('uidl', 'POP3: unique ids');
  add('{{base64:${1:text}}}', 'base64 of the text (UTF-8)', Kind.Snippet, '{{base64:${1:text}}}', true);
  add('@connect lab-smtp', 'connect the console to the lab SMTP server', Kind.Module);
  add('@connect lab-pop3', 'connect the console to the lab POP3 server', Kind.Module);
  add('@connect ${1:host} ${2:port}', 'connect the console', Kind.Snippet, '@connect ${1:host} ${2:port}', true);
  add('@mode character', 'one key per segment', Kind.Module);
  add('@mode line', 'one line per segment', Kind.Module);
  add('@wait 500', 'pause (ms)', Kind.Module);
  return out;
}

/** registerScriptLanguage registers the language, themes and completion once. */
export function registerScriptLanguage(getAccounts: () => CompletionAccount[]): void {
  accountsGetter = getAccounts;
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: SCRIPT_LANGUAGE });
  monaco.languages.setMonarchTokensProvider(SCRIPT_LANGUAGE, scriptMonarch());
  monaco.languages.setLanguageConfiguration(SCRIPT_LANGUAGE, {
    comments: { lineComment: '#' },
    autoClosingPairs: [{ open: '<', close: '>' }],
    wordPattern: /[A-Za-z0-9@{}:._<>-]+/,
  });
  const rules = (dark: boolean): monaco.editor.ITokenThemeRule[] => [
    { token: 'comment', foreground: dark ? '7f8a99' : '6a737d', fontStyle: 'italic' },
    { token: 'keyword.smtp', foreground: dark ? '7fb4ff' : '0b4fbf', fontStyle: 'bold' },
    { token: 'keyword.pop', foreground: dark ? 'e0a86b' : '9a4d00', fontStyle: 'bold' },
    { token: 'keyword', foreground: dark ? 'c39bff' : '6f2dbd', fontStyle: 'bold' },
    { token: 'annotation', foreground: dark ? '4fd0e0' : '007a87', fontStyle: 'bold' },
    { token: 'string', foreground: dark ? 'f0a070' : 'a31515' },
    { token: 'string.escape', foreground: dark ? '9fe0a0' : '096d48', fontStyle: 'bold' },
    { token: 'string.body', foreground: dark ? 'd0d0d0' : '444444' },
    { token: 'type', foreground: dark ? '4fd0e0' : '005f87' },
    { token: 'number', foreground: dark ? '9fe0a0' : '096d48' },
    { token: 'invalid', foreground: dark ? 'ff8080' : 'c00000' },
  ];
  monaco.editor.defineTheme(SCRIPT_THEMES.light, { base: 'vs', inherit: true, rules: rules(false), colors: {} });
  monaco.editor.defineTheme(SCRIPT_THEMES.dark, { base: 'vs-dark', inherit: true, rules: rules(true), colors: {} });
  monaco.languages.registerCompletionItemProvider(SCRIPT_LANGUAGE, {
    triggerCharacters: ['@', '{'],
    provideCompletionItems(model, position) {
      const line = model.getLineContent(position.lineNumber);
      const start = line.length - line.trimStart().length;
      const range = new monaco.Range(position.lineNumber, start + 1, position.lineNumber, position.column);
      return { suggestions: items(range) };
    },
  });
}
