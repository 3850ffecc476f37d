/**
 * jose, loaded when a key is first imported to sign or verify a token. Starting the server does
 * not need it (the first key is generated with node:crypto), and loading its modules is a
 * measurable part of the start (docs/performance.md, "Start-up").
 */
type Jose = typeof import('jose');

let loading: Promise<Jose> | null = null;

/** Loads jose once; later calls share the same module. */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
