// ESLint flat config. Not type-aware on purpose (no parserOptions.project), so `npm run lint` stays fast.
//
// Process boundaries are enforced here with `no-restricted-imports`, one block per layer and per folder
// depth. The depth matters because a relative specifier only says how far up it climbs: from
// `src/shared/filter/lexer.ts`, `../x` stays in shared while `../../x` leaves it. For each depth we know
// exactly how many `../` leave the layer and what the remaining path must start with to land in an
// allowed folder, so the check needs no module resolution. Bare specifiers (packages, `node:*`) are
// matched by name. See the README "Code map" for the rules in prose.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SOURCE_FILES = '*.{ts,tsx,mts,cts,js,mjs,cjs}';
const MAX_DEPTH = 10;

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_')).map(escapeRegex);
const RENDERER_ONLY_PACKAGES = [
  'react',
  'react-dom',
  'react-i18next',
  'react-resizable-panels',
  'zustand',
  'monaco-editor',
  '@monaco-editor/react',
  '@xterm/xterm',
  '@tanstack/react-virtual',
].map(escapeRegex);
const MAIN_ONLY_PACKAGES = ['electron', 'cap', 'smtp-server', 'ws'].map(escapeRegex);

const packageRegex = (names) => `^(?:${names.join('|')})(?:/|$)`;
const NODE_BUILTIN = `^node:|${packageRegex(nodeBuiltins)}`;

/**
 * Layers and what they may import. `allowedDirs` are repo-relative folders a relative import may land
 * in; `bare` are restricted package patterns with the reason shown to the developer.
 */
const LAYERS = [
  {
    root: 'src/shared',
    allowedDirs: ['src/shared'],
    bare: [
      {
        regex: '^(?!\\.)',
        message: 'src/shared is pure TypeScript: no packages, node:*, electron, DOM libs.',
      },
    ],
  },
  {
    root: 'src/renderer',
    allowedDirs: ['src/renderer', 'src/shared'],
    bare: [
      {
        regex: NODE_BUILTIN,
        message: 'The renderer is sandboxed: no Node built-ins (go through window.wirelab).',
      },
      {
        regex: packageRegex(MAIN_ONLY_PACKAGES),
        message: 'The renderer never imports electron or main-only packages.',
      },
    ],
  },
  {
    root: 'src/preload',
    allowedDirs: ['src/preload', 'src/shared'],
    bare: [
      {
        regex: '^(?!\\.|electron(?:/|$))',
        message: 'The sandboxed preload may only import electron and src/shared (it is bundled to one file).',
      },
    ],
  },
  {
    root: 'src/main',
    allowedDirs: ['src/main', 'src/shared'],
    bare: [
      {
        regex: packageRegex(RENDERER_ONLY_PACKAGES),
        message: 'src/main never imports renderer-only libraries.',
      },
    ],
  },
  {
    // Listed after src/main so these blocks override its blocks for engine files.
    root: 'src/main/engine',
    allowedDirs: ['src/main/engine', 'src/shared'],
    bare: [
      { regex: '^electron(?:/|$)', message: 'The engine is plain Node: it never imports electron.' },
      {
        regex: packageRegex(RENDERER_ONLY_PACKAGES),
        message: 'src/main never imports renderer-only libraries.',
      },
    ],
  },
];

/** Patterns for a file `depth` folders below `layer.root` (0 = directly in the root). */
function relativePatterns(layer, depth) {
  const rootParts = layer.root.split('/');
  const message = `${layer.root} may only import from ${layer.allowedDirs.join(' and ')}.`;
  const patterns = [];
  // Climbing `depth + up` levels lands in the ancestor `up` levels above the layer root.
  for (let up = 1; up <= rootParts.length; up++) {
    const ancestor = rootParts.slice(0, rootParts.length - up).join('/');
    const allowedRests = layer.allowedDirs
      .filter((dir) => ancestor === '' || dir.startsWith(`${ancestor}/`))
      .map((dir) => escapeRegex(ancestor === '' ? dir : dir.slice(ancestor.length + 1)));
    const allowed = allowedRests.length > 0 ? `(?!(?:${allowedRests.join('|')})(?:/|$))` : '';
    patterns.push({ regex: `^(?:\\./)?(?:\\.\\./){${depth + up}}(?!\\.\\./)${allowed}`, message });
  }
  patterns.push({ regex: `^(?:\\./)?(?:\\.\\./){${depth + rootParts.length + 1},}`, message });
  return patterns;
}

const boundaryBlocks = LAYERS.flatMap((layer) =>
  Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
    name: `wirelab/boundaries/${layer.root}/depth-${depth}`,
    files: [`${layer.root}/${'*/'.repeat(depth)}${SOURCE_FILES}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...layer.bare, ...relativePatterns(layer, depth)] }],
    },
  })),
);

export default defineConfig(
  {
    name: 'wirelab/ignores',
    ignores: ['out/', 'dist/', 'node_modules/', '**/test-artifacts/', 'bench/data/', 'coverage/', '.vite/'],
  },
  ...tseslint.configs.recommended,
  {
    name: 'wirelab/base',
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Byte parsers and test doubles legitimately need `any` at a few boundaries; keep it visible, not fatal.
      '@typescript-eslint/no-explicit-any': 'warn',
      // Stylistic: a `const session = this` captured by closures in a hot path is deliberate there.
      '@typescript-eslint/no-this-alias': 'off',
      // The codebase uses `cond && effect()` and comma sequences of assignments as statements, which
      // no-unused-expressions rejects wholesale. What it exists to catch, a statement that does nothing
      // (`a === b;`, `obj.prop;`, `x;`), is still an error through no-restricted-syntax below.
      '@typescript-eslint/no-unused-expressions': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ExpressionStatement:not([directive]) > :matches(BinaryExpression, Identifier, MemberExpression, Literal, TemplateLiteral, ArrayExpression, ObjectExpression, ArrowFunctionExpression, FunctionExpression, UnaryExpression[operator!="void"][operator!="delete"])',
          message: 'This statement has no effect (did you mean to assign, call or return it?).',
        },
      ],
    },
  },
  ...boundaryBlocks,
);
