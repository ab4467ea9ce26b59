/**
 * Paths typed in the web build's Open and Save dialogs. The engine resolves a relative path against its
 * own working folder, which the user cannot see, so the dialogs ask for a full path.
 */

/** isAbsolutePath: a path that names one file whatever the engine's working folder (POSIX or Windows). */
export function isAbsolutePath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}
