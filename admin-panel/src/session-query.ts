/** The session as a query: read once, set by sign-in, cleared by sign-out or a lost session. */
import { queryOptions } from '@tanstack/react-query';
import { session } from './api';

/** The session query (null when signed out). */
export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: () => session.current(),
  staleTime: Infinity,
});

/**
 * Where to go after sign-in: a path inside the panel from the `redirect` search value, else the
 * Dashboard. Anything else (another origin, `//host`) is ignored, so the link cannot send the
 * user away.
 */
export function safeRedirect(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return value;
}
