/**
 * The colour theme: "system" (the default) follows the OS through `prefers-color-scheme`;
 * "light" and "dark" are set on <html> as `data-theme` and remembered in localStorage.
 */

/** What the user chose. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'waymark.theme';

/** The remembered choice, "system" when there is none. */
export function storedTheme(): ThemeChoice {
  const value = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Applies a choice to the page and remembers it. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') {
    root.removeAttribute('data-theme');
    localStorage.removeItem(STORAGE_KEY);
  } else {
    root.setAttribute('data-theme', choice);
    localStorage.setItem(STORAGE_KEY, choice);
  }
}

/** The theme in effect: the choice, or what the OS prefers. */
export function effectiveTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
