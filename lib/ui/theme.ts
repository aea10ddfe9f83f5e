/**
 * The colour theme a person chose: `light`, `dark`, or `system` (follow the
 * operating system; the default). It is kept in a cookie so the server renders
 * it on `<html data-theme>` and the first paint of every page is already right.
 */
export type Theme = 'system' | 'light' | 'dark';

export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

export const THEME_COOKIE = 'crowsnest-theme';

/** A cookie (or stored) value as a theme; anything unknown is `system`. */
export function parseTheme(value: string | null | undefined): Theme {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The `Set-Cookie`-style string that stores `theme` for a year, or forgets it for `system`. */
export function themeCookie(theme: Theme, secure: boolean): string {
  const attributes = `Path=/; SameSite=Lax${secure ? '; Secure' : ''}`;
  return theme === 'system' ? `${THEME_COOKIE}=; Max-Age=0; ${attributes}` : `${THEME_COOKIE}=${theme}; Max-Age=31536000; ${attributes}`;
}
