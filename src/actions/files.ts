/**
 * The built-in file actions, confined to the sandbox folder (`WAYMARK_FILE_SANDBOX`): every path
 * goes through `resolveInSandbox` (sandbox-path.ts), which refuses absolute paths, a `..` above the
 * sandbox and links that lead outside or nowhere, and every file is opened through sandbox-files.ts.
 * Paths match case-insensitively when the exact one does not exist, as the vendor's schemes were
 * written on Windows (FileWriteRead.xml writes `test.txt`, reads `Test.txt`).
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import { WaymarkError } from '../errors/index.js';
import { MAX_ZIP_ENTRIES, readZip, writeZip, type ZipEntry } from './zip-archive.js';
import { fileActionFailure as fail, resolveInSandbox, sandboxRoot } from './sandbox-path.js';
import { makeSandboxFolder, readRealFile, readSandboxFile, writeSandboxFile, type WriteMode } from './sandbox-files.js';
import { parseActionArguments } from '../scheme/index.js';

/** The file actions this module runs (the scheme module owns the list). */
export { FILE_ACTIONS } from '../scheme/index.js';

/** Largest file read into a parameter, largest archive, and most bytes an archive holds: 16 MiB. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

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
  const value = Object.hasOwn(p, key) ? p[key] : undefined;
  if (typeof value !== 'string' || value.trim() === '') throw fail(action, `its parameter has no ${key}`);
  return value.trim();
}

function readText(action: string, sandbox: string, path: string): string {
  return readSandboxFile(action, sandbox, path, MAX_FILE_BYTES).toString('utf8');
}

/** The files below `folder` (a real path), links skipped, within the archive limits. */
function filesUnder(action: string, folder: string, requested: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let total = 0;
  const visit = (current: string, prefix: string): void => {
    for (const name of readdirSync(current).sort()) {
      const full = join(current, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        visit(full, `${prefix}${name}/`);
        continue;
      }
      // Links are not archived: one could lead outside the sandbox.
      if (!stat.isFile()) continue;
      if (entries.length >= MAX_ZIP_ENTRIES) throw fail(action, `directory '${requested}' holds more than ${MAX_ZIP_ENTRIES} files`);
      const data = readRealFile(action, full, `${requested}/${prefix}${name}`, MAX_FILE_BYTES);
      total += data.length;
      if (total > MAX_FILE_BYTES) throw fail(action, `directory '${requested}' holds more than ${MAX_FILE_BYTES} bytes, the most an archive may hold`);
      entries.push({ name: `${prefix}${name}`, data });
    }
  };
  visit(folder, '');
  return entries;
}

function zipName(action: string, p: Readonly<Record<string, JsonValue>>): string {
  const name = textField(action, p, 'ArchivePath');
  return name.toLowerCase().endsWith('.zip') ? name : `${name}.zip`;
}

function writeMode(fileMode: JsonValue | undefined): WriteMode {
  if (fileMode === 'Append') return 'append';
  if (fileMode === 'CreateNew') return 'create-new';
  return 'replace';
}

/** Runs one file action inside `sandbox`; returns the parameters it sets. */
export async function runFileAction(action: string, parameter: FileActionParameter, _context: ExternalCallContext, sandbox: string): Promise<Record<string, JsonValue>> {
  const p = parameterObject(action, parameter);
  switch (action) {
    case 'FileWrite': {
      const text = typeof p.Text === 'string' ? p.Text : JSON.stringify(p.Text ?? '');
      writeSandboxFile(action, sandbox, textField(action, p, 'Path'), text, writeMode(p.FileMode));
      return {};
    }
    case 'FileRead': {
      const path = textField(action, p, 'Path');
      const name = textField(action, p, 'ParameterName');
      return { [name]: readText(action, sandbox, path) };
    }
    case 'FilesListRead': {
      const spec = textField(action, p, 'FilesListRead');
      const [list, target] = spec.split('=>').map((s) => s.trim());
      if (!list || !target) throw fail(action, `FilesListRead '${spec}' is not "file, file => ParameterName"`);
      const separator = typeof p.Separator === 'string' ? p.Separator : ',';
      const texts = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((path) => readText(action, sandbox, path));
      return { [target]: texts.join(separator) };
    }
    case 'FileDelete': {
      const path = textField(action, p, 'Path');
      const file = resolveInSandbox(action, sandbox, path);
      const stat = lstatSync(file, { throwIfNoEntry: false });
      if (stat === undefined) return {};
      if (stat.isDirectory()) throw fail(action, `'${path}' is a directory (use DirectoryDelete)`);
      rmSync(file, { force: true });
      return {};
    }
    case 'DirectoryCreate':
      makeSandboxFolder(action, sandbox, textField(action, p, 'Path'));
      return {};
    case 'DirectoryDelete': {
      const path = textField(action, p, 'Path');
      const directory = resolveInSandbox(action, sandbox, path);
      if (directory === sandboxRoot(sandbox)) throw fail(action, 'the sandbox folder itself cannot be deleted');
      const stat = lstatSync(directory, { throwIfNoEntry: false });
      if (stat === undefined) return {};
      if (!stat.isDirectory()) throw fail(action, `'${path}' is a file (use FileDelete)`);
      const recursive = p.WithFilesAndSubDirectory === true;
      if (!recursive && readdirSync(directory).length > 0) throw fail(action, `directory '${path}' is not empty (set WithFilesAndSubDirectory)`);
      // rm does not follow the links it meets inside: it removes the links themselves.
      rmSync(directory, { recursive: true, force: true });
      return {};
    }
    case 'DirectoryCompress': {
      const path = textField(action, p, 'DirectoryPath');
      const directory = resolveInSandbox(action, sandbox, path);
      if (!lstatSync(directory, { throwIfNoEntry: false })?.isDirectory()) throw fail(action, `directory '${path}' does not exist`);
      const entries = filesUnder(action, directory, path).map((entry) => ({ name: `${basename(directory)}/${entry.name}`, data: entry.data }));
      writeSandboxFile(action, sandbox, zipName(action, p), writeZip(entries), 'replace');
      return {};
    }
    case 'FileUncompress': {
      const into = textField(action, p, 'DirectoryPath');
      const entries = readZip(readSandboxFile(action, sandbox, zipName(action, p), MAX_FILE_BYTES), { maxTotalBytes: MAX_FILE_BYTES });
      // Every target is checked before the first file is written: a refused archive leaves nothing behind.
      const targets = entries.map((entry) => `${into}/${entry.name}`);
      // Entry names cannot climb (readZip refuses `..` and absolute names); links on the way still could.
      for (const target of targets) resolveInSandbox(action, sandbox, target);
      entries.forEach((entry, index) => writeSandboxFile(action, sandbox, targets[index]!, entry.data, 'replace'));
      return {};
    }
    default:
      throw fail(action, 'is not a file action');
  }
}
