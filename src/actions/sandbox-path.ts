/**
 * Where a path a scheme gives to a file action really is, inside the sandbox folder
 * (`WAYMARK_FILE_SANDBOX`) or refused.
 *
 * The path is walked one part at a time from the sandbox's real path, the way the operating system
 * will walk it: every part that exists is looked at with `lstat`; a link is followed only when its
 * real path stays inside the sandbox, and a link that points nowhere counts as outside (writing
 * through it would create its target, wherever that is). The path returned is made of real folders
 * only, so what is checked is what is opened. The containment test compares real paths exactly:
 * letter case decides nothing on a case-sensitive file system.
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { WaymarkError } from '../errors/index.js';

/** A file action's refusal, naming the action. */
export function fileActionFailure(action: string, reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${action}: ${reason}`, { action });
}

/** True when `path` is `root` or below it (both real, absolute paths). */
export function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
}

/** The sandbox folder's real path (it may itself be reached through a link). */
export function sandboxRoot(sandbox: string): string {
  return realpathSync.native(sandbox);
}

/**
 * The parts of `requested` below the sandbox folder, `.` and `..` applied (either slash separates).
 * Refuses absolute paths, drive letters, NUL characters and a `..` that climbs above the sandbox.
 */
export function sandboxParts(action: string, requested: string): string[] {
  if (requested.includes('\u0000')) throw fileActionFailure(action, `path '${requested}' contains a NUL character`);
  const slashed = requested.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) {
    throw fileActionFailure(action, `path '${requested}' is absolute; file actions take paths inside the sandbox folder`);
  }
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) throw fileActionFailure(action, `path '${requested}' leaves the sandbox folder`);
  }
  return parts;
}

/**
 * The real path `requested` names inside the sandbox; the parts that do not exist yet are appended
 * as given. Refuses what {@link sandboxParts} refuses, and any link that leads outside or nowhere.
 * A part that does not exist with its exact name matches an entry that differs only in letter case
 * (the vendor's schemes were written on Windows: FileWriteRead.xml writes `test.txt` and reads
 * `Test.txt`); two such entries make the path ambiguous and it is refused.
 *
 * `parts` (from {@link sandboxParts}) resolves only that many leading parts of `requested`.
 */
export function resolveInSandbox(action: string, sandbox: string, requested: string, parts = sandboxParts(action, requested)): string {
  const root = sandboxRoot(sandbox);
  let current = root;
  for (let index = 0; index < parts.length; index += 1) {
    const entry = existingEntry(action, requested, current, parts[index]!);
    if (entry === null) return join(current, ...parts.slice(index));
    const next = join(current, entry.name);
    if (!entry.isLink) {
      current = next;
      continue;
    }
    let target: string;
    try {
      target = realpathSync.native(next);
    } catch {
      throw fileActionFailure(action, `path '${requested}' goes through a link that points nowhere; a dangling link counts as outside the sandbox folder`);
    }
    if (!isInside(root, target)) throw fileActionFailure(action, `path '${requested}' leaves the sandbox folder through a link`);
    current = target;
  }
  return current;
}

/** The entry of `folder` that `part` names: itself, or the one entry equal ignoring case; null when none. */
function existingEntry(action: string, requested: string, folder: string, part: string): { name: string; isLink: boolean } | null {
  const look = (name: string): { name: string; isLink: boolean } => ({ name, isLink: lstatSync(join(folder, name)).isSymbolicLink() });
  try {
    return look(part);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fileActionFailure(action, `path '${requested}' cannot be looked at (${code ?? (error as Error).message})`);
  }
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return null; // `folder` is a file: the part does not exist, and the action will say so.
  }
  const lower = part.toLowerCase();
  const matches = names.filter((name) => name.toLowerCase() === lower);
  if (matches.length > 1) throw fileActionFailure(action, `path '${requested}' is ambiguous: ${matches.map((m) => `'${m}'`).join(' and ')} differ from '${part}' only in letter case`);
  if (matches[0] === undefined) return null;
  try {
    return look(matches[0]);
  } catch {
    return null; // Removed since it was listed.
  }
}
