// Side-effect imports of Monaco editor contributions (they ship no type declarations).
declare module 'monaco-editor/editor/contrib/*';
declare module 'monaco-editor/editor/browser/*';
declare module 'monaco-editor/editor/common/*';
