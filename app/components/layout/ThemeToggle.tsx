'use client';

import { useEffect, useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const ORDER: Theme[] = ['system', 'light', 'dark'];
const KEY = 'crowsnest-theme';

function stored(): Theme {
  if (typeof window === 'undefined') return 'system';
  const value = window.localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Light, dark, or the system's choice (the default); remembered in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') {
      delete root.dataset.theme;
      window.localStorage.removeItem(KEY);
    } else {
      root.dataset.theme = theme;
      window.localStorage.setItem(KEY, theme);
    }
  }, [theme]);
  const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
  return (
    <button type="button" className="ghost" onClick={() => setTheme(next)} aria-label={`Theme: ${theme}. Switch to ${next}`} suppressHydrationWarning>
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
    </button>
  );
}
