/** Theme resolution: 'system' follows prefers-color-scheme (and its changes). */
import { useEffect, useState } from 'react';
import { useApp } from '../store/index';

const query = () => window.matchMedia?.('(prefers-color-scheme: dark)');

/** useResolvedTheme gives the theme actually shown: light or dark. */
export function useResolvedTheme(): 'light' | 'dark' {
  const theme = useApp((s) => s.theme);
  const [systemDark, setSystemDark] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const q = query();
    if (!q) return;
    const onChange = () => setSystemDark(q.matches);
    q.addEventListener('change', onChange);
    return () => q.removeEventListener('change', onChange);
  }, []);
  return theme === 'system' ? (systemDark ? 'dark' : 'light') : theme;
}
