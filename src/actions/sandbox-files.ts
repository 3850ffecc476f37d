/**
 * Reading, writing and making folders inside the sandbox. Each path is resolved with
 * `resolveInSandbox` first; the file is then opened with `O_NOFOLLOW`, so a link slipped into the
 * last part of the path after the check is refused instead of followed, and with `O_NONBLOCK`, so a
 * named pipe someone left in the sandbox cannot stall the server. Missing folders are made one at a
 * time, each in a parent that was just resolved, because `mkdir -p` would follow a link wherever
 * it leads.
 *
 * What stays open: someone who can change the sandbox folder on the server's machine while an
 * action runs could swap a folder higher up the path for a link between the check and the open
 * (Node has no `openat`), or make a hard link to a file elsewhere. Keep the sandbox folder writable
 * only by the server's user.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { fileActionFailure, resolveInSandbox, sandboxParts } from './sandbox-path.js';

// Windows has neither flag; the checks in resolveInSandbox still apply there.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

/** How `writeSandboxFile` treats an existing file. */
export type WriteMode = 'replace' | 'append' | 'create-new';

function fileSystemFailure(action: string, doing: string, requested: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return fileActionFailure(action, `file '${requested}' does not exist`);
    case 'EEXIST':
      return fileActionFailure(action, `file '${requested}' already exists (FileMode CreateNew)`);
    case 'ELOOP':
      return fileActionFailure(action, `'${requested}' became a link while it was opened; file actions do not follow it`);
    case 'EISDIR':
      return fileActionFailure(action, `'${requested}' is a folder, not a file`);
    default:
      return fileActionFailure(action, `cannot ${doing} '${requested}' (${code ?? (error as Error).message})`);
  }
}

/**
 * Reads the regular file at `path` (a real path inside the sandbox), refusing anything larger than
 * `maxBytes`. `requested` is the path as the scheme wrote it, for messages.
 */
export function readRealFile(action: string, path: string, requested: string, maxBytes: number): Buffer {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | NO_FOLLOW | NON_BLOCKING);
  } catch (error) {
    throw fileSystemFailure(action, 'read', requested, error);
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw fileActionFailure(action, `'${requested}' is not a file`);
    if (stat.size > maxBytes) throw fileActionFailure(action, `file '${requested}' is larger than ${maxBytes} bytes`);
    const buffer = Buffer.alloc(stat.size);
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(descriptor, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(descriptor);
  }
}

/** Reads the file `requested` names in the sandbox (at most `maxBytes`). */
export function readSandboxFile(action: string, sandbox: string, requested: string, maxBytes: number): Buffer {
  return readRealFile(action, resolveInSandbox(action, sandbox, requested), requested, maxBytes);
}

/**
 * Makes the folder `requested` names, and its missing parents, inside the sandbox; returns its real
 * path. `depth` makes only that many leading parts (the parent folders of a file).
 */
export function makeSandboxFolder(action: string, sandbox: string, requested: string, depth?: number): string {
  const parts = sandboxParts(action, requested);
  const count = depth ?? parts.length;
  for (let made = 1; made <= count; made += 1) {
    const folder = resolveInSandbox(action, sandbox, requested, parts.slice(0, made));
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw fileActionFailure(action, `cannot make folder '${parts.slice(0, made).join('/')}' (${code ?? (error as Error).message})`);
    }
  }
  const folder = resolveInSandbox(action, sandbox, requested, parts.slice(0, count));
  if (!statSync(folder).isDirectory()) throw fileActionFailure(action, `'${parts.slice(0, count).join('/')}' is a file, not a folder`);
  return folder;
}

/** Writes `data` to the file `requested` names in the sandbox, making its folders. */
export function writeSandboxFile(action: string, sandbox: string, requested: string, data: string | Uint8Array, mode: WriteMode): void {
  const parts = sandboxParts(action, requested);
  if (parts.length === 0) throw fileActionFailure(action, `path '${requested}' is the sandbox folder itself, not a file`);
  makeSandboxFolder(action, sandbox, requested, parts.length - 1);
  const path = resolveInSandbox(action, sandbox, requested, parts);
  const how = mode === 'append' ? constants.O_APPEND : mode === 'create-new' ? constants.O_EXCL : constants.O_TRUNC;
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_WRONLY | constants.O_CREAT | NO_FOLLOW | NON_BLOCKING | how);
  } catch (error) {
    throw fileSystemFailure(action, 'write', requested, error);
  }
  try {
    if (!fstatSync(descriptor).isFile()) throw fileActionFailure(action, `'${requested}' is not a file`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
  } finally {
    closeSync(descriptor);
  }
}
