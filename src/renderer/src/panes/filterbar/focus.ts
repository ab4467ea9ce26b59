/** focusFilterBar lets the Ctrl+/ shortcut focus the display filter's editor without a global store entry. */
let focusEditor: (() => void) | null = null;

/** setFilterBarFocus is called by the filter bar when its editor mounts (null when it unmounts). */
export function setFilterBarFocus(fn: (() => void) | null): void {
  focusEditor = fn;
}

/** focusFilterBar focuses the display filter editor if it is mounted. */
export function focusFilterBar(): void {
  focusEditor?.();
}
