import { readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * This server's version, from package.json (two folders up from this module in src/http/ and in
 * the bundles of dist/); read once.
 */
export function serverVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
