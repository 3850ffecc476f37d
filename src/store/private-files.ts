/**
 * The SQLite data folder and database files hold secrets (the API token, the private signing keys,
 * the task-link key, callback and webhook secrets, the admin password hash): only the server's own
 * user may read them. New ones are created that way; existing ones that others could read are
 * tightened at start, with a warning.
 */
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

/** The mode of the data folder: the owner only. */
export const PRIVATE_FOLDER_MODE = 0o700;
/** The mode of the database file and its `-wal` and `-shm` files: the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/** Reports a folder or file whose mode was tightened (or could not be). */
export type PrivateFileWarning = (message: string, context: { readonly path: string; readonly mode: string }) => void;

/** SQLite's companion files: they hold the same data as the database, page by page. */
const SQLITE_COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

/**
 * Makes the data folder and the database file (created empty when missing, so SQLite never creates
 * it with the process's default mode) private to the owner; SQLite gives the `-wal` and `-shm`
 * files it creates later the database file's mode. Existing ones readable by group or others are
 * set to 0700 / 0600 and reported to `warn`. Nothing is done on Windows, which has no such modes.
 */
export function keepDatabaseFilesPrivate(folder: string, databaseFile: string, warn: PrivateFileWarning): void {
  if (process.platform === 'win32') return;
  tighten(folder, PRIVATE_FOLDER_MODE, 'the data folder', warn);
  try {
    closeSync(openSync(databaseFile, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  tighten(databaseFile, PRIVATE_FILE_MODE, 'the database file', warn);
  for (const suffix of SQLITE_COMPANION_SUFFIXES) tighten(`${databaseFile}${suffix}`, PRIVATE_FILE_MODE, `the database's ${suffix} file`, warn);
}

function tighten(path: string, privateMode: number, what: string, warn: PrivateFileWarning): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Only the group's and others' bits matter: the owner is the server's own user.
  if ((mode & 0o077) === 0) return;
  const shown = `0${mode.toString(8)}`;
  try {
    chmodSync(path, privateMode);
  } catch (error) {
    warn(`${what} can be read by other users and its mode could not be changed (${(error as Error).message}): it holds secrets, restrict it to this user`, { path, mode: shown });
    return;
  }
  warn(`${what} could be read by other users (mode ${shown}): it holds secrets, so its mode is now 0${privateMode.toString(8)}`, { path, mode: shown });
}
