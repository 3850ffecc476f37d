/**
 * The built-in file actions, confined to the sandbox folder (`WAYMARK_FILE_SANDBOX`): every path
 * is resolved inside it and a path that leaves it (`..`, absolute paths, symlinks pointing out)
 * is refused. Paths are matched case-insensitively when the exact one does not exist, as the
 * vendor's schemes were written on Windows (FileWriteRead.xml writes `test.txt`, reads `Test.txt`).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import { parseActionArguments } from '../scheme/index.js';
import { readZip, writeZip, type ZipEntry } from './zip-archive.js';

/** The file actions this module runs (the scheme module owns the list). */
export { FILE_ACTIONS } from '../scheme/index.js';

/** Largest file read into a parameter, and largest archive content: 16 MiB. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

function fail(action: string, reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${action}: ${reason}`, { action });
}

/**
 * A file action's parameter: the fields the scheme compiled (`FileActionArguments`), or text,
 * parsed here by the scheme module's rules (for a direct caller).
 */
export type FileActionParameter = string | null | Readonly<Record<string, JsonValue>>;

function parameterObject(action: string, parameter: FileActionParameter): Readonly<Record<string, JsonValue>> {
  if (parameter !== null && typeof parameter === 'object') return parameter;
  const parsed = parseActionArguments(action, parameter);
  if ('problem' in parsed) throw new WaymarkError('WM_ACTION_FAILED', parsed.problem, { action });
  if (parsed.arguments.kind !== 'File') throw fail(action, 'is not a file action');
  return parsed.arguments.fields;
}

function textField(action: string, p: Readonly<Record<string, JsonValue>>, key: string): string {
  const value = p[key];
  if (typeof value !== 'string' || value.trim() === '') throw fail(action, `its parameter has no ${key}`);
  return value.trim();
}

/** Resolves `path` inside the sandbox; refuses anything that would leave it. */
export function sandboxPath(action: string, sandbox: string, path: string): string {
  const root = realpathSync(sandbox);
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) throw fail(action, `path '${path}' is absolute; file actions take paths inside the sandbox folder`);
  const target = resolve(root, path.replace(/\\/g, '/'));
  const inside = relative(root, target);
  if (inside.startsWith('..') || isAbsolute(inside)) throw fail(action, `path '${path}' leaves the sandbox folder`);
  // Follow symlinks of the existing part of the path: they must stay inside too.
  let existing = target;
  while (!existsSync(existing) && existing !== root) existing = dirname(existing);
  const real = realpathSync(existing);
  const realInside = relative(root, real);
  if (realInside.startsWith('..') || isAbsolute(realInside)) throw fail(action, `path '${path}' leaves the sandbox folder through a link`);
  return matchCase(root, target);
}

/** The existing path that equals `target` ignoring case, or `target` itself. */
function matchCase(root: string, target: string): string {
  if (existsSync(target)) return target;
  let current = root;
  for (const part of relative(root, target).split(sep)) {
    const exact = join(current, part);
    if (existsSync(exact)) {
      current = exact;
      continue;
    }
    let match: string | undefined;
    try {
      match = readdirSync(current).find((name) => name.toLowerCase() === part.toLowerCase());
    } catch {
      match = undefined;
    }
    current = join(current, match ?? part);
  }
  return current;
}

function readText(action: string, file: string, path: string): string {
  if (!existsSync(file) || !statSync(file).isFile()) throw fail(action, `file '${path}' does not exist`);
  if (statSync(file).size > MAX_FILE_BYTES) throw fail(action, `file '${path}' is larger than ${MAX_FILE_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}

function filesUnder(directory: string, prefix: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const name of readdirSync(directory).sort()) {
    const full = join(directory, name);
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) entries.push(...filesUnder(full, `${prefix}${name}/`));
    else if (stat.isFile()) entries.push({ name: `${prefix}${name}`, data: readFileSync(full) });
  }
  return entries;
}

function zipName(action: string, p: Readonly<Record<string, JsonValue>>): string {
  const name = textField(action, p, 'ArchivePath');
  return name.toLowerCase().endsWith('.zip') ? name : `${name}.zip`;
}

/** Runs one file action inside `sandbox`; returns the parameters it sets. */
export async function runFileAction(action: string, parameter: FileActionParameter, _context: ExternalCallContext, sandbox: string): Promise<Record<string, JsonValue>> {
  const p = parameterObject(action, parameter);
  switch (action) {
    case 'FileWrite': {
      const path = textField(action, p, 'Path');
      const file = sandboxPath(action, sandbox, path);
      mkdirSync(dirname(file), { recursive: true });
      const text = typeof p.Text === 'string' ? p.Text : JSON.stringify(p.Text ?? '');
      if (p.FileMode === 'Append') appendFileSync(file, text);
      else if (p.FileMode === 'CreateNew' && existsSync(file)) throw fail(action, `file '${path}' already exists (FileMode CreateNew)`);
      else writeFileSync(file, text);
      return {};
    }
    case 'FileRead': {
      const path = textField(action, p, 'Path');
      const name = textField(action, p, 'ParameterName');
      return { [name]: readText(action, sandboxPath(action, sandbox, path), path) };
    }
    case 'FilesListRead': {
      const spec = textField(action, p, 'FilesListRead');
      const [list, target] = spec.split('=>').map((s) => s.trim());
      if (!list || !target) throw fail(action, `FilesListRead '${spec}' is not "file, file => ParameterName"`);
      const separator = typeof p.Separator === 'string' ? p.Separator : ',';
      const texts = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((path) => readText(action, sandboxPath(action, sandbox, path), path));
      return { [target]: texts.join(separator) };
    }
    case 'FileDelete': {
      const path = textField(action, p, 'Path');
      const file = sandboxPath(action, sandbox, path);
      if (existsSync(file) && statSync(file).isDirectory()) throw fail(action, `'${path}' is a directory (use DirectoryDelete)`);
      rmSync(file, { force: true });
      return {};
    }
    case 'DirectoryCreate':
      mkdirSync(sandboxPath(action, sandbox, textField(action, p, 'Path')), { recursive: true });
      return {};
    case 'DirectoryDelete': {
      const path = textField(action, p, 'Path');
      const directory = sandboxPath(action, sandbox, path);
      if (directory === realpathSync(sandbox)) throw fail(action, 'the sandbox folder itself cannot be deleted');
      if (!existsSync(directory)) return {};
      const recursive = p.WithFilesAndSubDirectory === true;
      if (!recursive && readdirSync(directory).length > 0) throw fail(action, `directory '${path}' is not empty (set WithFilesAndSubDirectory)`);
      rmSync(directory, { recursive: true, force: true });
      return {};
    }
    case 'DirectoryCompress': {
      const path = textField(action, p, 'DirectoryPath');
      const directory = sandboxPath(action, sandbox, path);
      if (!existsSync(directory) || !statSync(directory).isDirectory()) throw fail(action, `directory '${path}' does not exist`);
      const baseName = relative(dirname(directory), directory);
      const archive = sandboxPath(action, sandbox, zipName(action, p));
      writeFileSync(archive, writeZip(filesUnder(directory, `${baseName}/`)));
      return {};
    }
    case 'FileUncompress': {
      const archivePath = zipName(action, p);
      const archive = sandboxPath(action, sandbox, archivePath);
      if (!existsSync(archive)) throw fail(action, `archive '${archivePath}' does not exist`);
      const into = sandboxPath(action, sandbox, textField(action, p, 'DirectoryPath'));
      const entries = readZip(readFileSync(archive), MAX_FILE_BYTES);
      for (const entry of entries) {
        const target = resolve(into, entry.name);
        const inside = relative(into, target);
        if (inside.startsWith('..') || isAbsolute(inside)) throw fail(action, `archive entry '${entry.name}' would leave the target folder`);
        sandboxPath(action, sandbox, relative(realpathSync(sandbox), target));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, entry.data);
      }
      return {};
    }
    default:
      throw fail(action, 'is not a file action');
  }
}
