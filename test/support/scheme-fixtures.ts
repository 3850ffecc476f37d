/**
 * Scheme files read by name from one folder. The project's tests read {@link projectSchemes}, the
 * schemes written for them under `test/fixtures/schemes/` (vendor XML and Waymark JSON); the
 * suites that `npm run test:vendor-schemes` also runs on the vendor's own samples take the folder
 * as an argument, so the same checks run on both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file kinds a scheme folder holds. */
export type SchemeFileKind = 'xml' | 'json';

/** A folder of scheme files, read by name (the file name without its extension). */
export interface SchemeFolder {
  /** Says whose schemes these are, in test names: "project fixtures" or "vendor samples". */
  readonly label: string;
  /** The folder's absolute path. */
  readonly path: string;
  /** The absolute path of `<name>.<kind>` (for the command line, which reads the file itself). */
  file(name: string, kind?: SchemeFileKind): string;
  /** The text of `<name>.xml`, without a byte order mark. */
  xml(name: string): string;
  /** `<name>.json`, parsed. */
  json(name: string): unknown;
  /** The names of every file of that kind, sorted. */
  names(kind: SchemeFileKind): string[];
}

/** The scheme files in `path`; `label` names them in test titles. */
export function schemeFolder(label: string, path: string): SchemeFolder {
  const file = (name: string, kind: SchemeFileKind = 'xml'): string => join(path, `${name}.${kind}`);
  return {
    label,
    path,
    file,
    xml: (name) => readFileSync(file(name, 'xml'), 'utf8').replace(/^\uFEFF/, ''),
    json: (name) => JSON.parse(readFileSync(file(name, 'json'), 'utf8')) as unknown,
    names: (kind) =>
      readdirSync(path)
        .filter((entry) => entry.endsWith(`.${kind}`))
        .map((entry) => entry.slice(0, -(kind.length + 1)))
        .sort(),
  };
}

/** The schemes written for the project's tests: `test/fixtures/schemes/` (see its README). */
export const projectSchemes: SchemeFolder = schemeFolder('project fixtures', fileURLToPath(new URL('../fixtures/schemes/', import.meta.url)));
