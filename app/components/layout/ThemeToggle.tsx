'use client';

import { useEffect, useSyncExternalStore } from 'react';
import { parseTheme, THEMES, themeCookie, type Theme } from '@/lib/ui/theme';

/** Where earlier versions kept the choice, in this browser only. */
const LEGACY_KEY = 'crowsnest-theme';

function current(): Theme {
  return parseTheme(document.documentElement.dataset.theme);
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

/** Applies a theme to this page and remembers it in a cookie, so the server renders every later page in it. */
function choose(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  document.cookie = themeCookie(theme, window.location.protocol === 'https:');
}

/** Light, dark, or the system's choice (the default). The server renders the choice; this button only changes it. */
export function ThemeToggle() {
  // The server does not know the theme when it renders this button: it says "system" until hydrated.
  const theme = useSyncExternalStore(subscribe, current, () => 'system' as Theme);

  // A choice made before the cookie existed moves to the cookie once.
  useEffect(() => {
    const legacy = window.localStorage.getItem(LEGACY_KEY);
    if (legacy === null) return;
    window.localStorage.removeItem(LEGACY_KEY);
    if (current() === 'system') choose(parseTheme(legacy));
  }, []);

  const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  return (
    <button type="button" className="ghost" onClick={() => choose(next)} aria-label={`Theme: ${theme}. Switch to ${next}`}>
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
    </button>
  );
}
