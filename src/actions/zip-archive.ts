/**
 * ZIP archives for DirectoryCompress and FileUncompress, through fflate. An archive is untrusted
 * input (a scheme may unpack any file in its sandbox), so reading it is bounded before anything
 * is unpacked: the number of entries, the total unpacked size and each entry's compression ratio
 * (zip bombs), and every entry name (no absolute names, drive letters, backslashes or `..`).
 */
import { unzipSync, zipSync, type UnzipFileInfo } from 'fflate';
import { WaymarkError } from '../errors/index.js';

/** One file in an archive: a `/`-separated relative name and its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** What a read archive may hold. */
export interface ZipReadLimits {
  /** Most unpacked bytes of all entries together. */
  readonly maxTotalBytes: number;
  /** Most entries (files and folders). Default {@link MAX_ZIP_ENTRIES}. */
  readonly maxEntries?: number;
}

/** Most entries an archive may have. */
export const MAX_ZIP_ENTRIES = 10_000;
/** Highest unpacked-to-packed ratio of an entry larger than {@link RATIO_CHECKED_FROM_BYTES}. */
export const MAX_COMPRESSION_RATIO = 100;
/** Entries up to this size are not ratio-checked: a small file of repeated bytes packs very well. */
export const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;

const STORED = 0;
const DEFLATED = 8;

function unreadable(reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `FileUncompress: the archive cannot be unpacked: ${reason}`, { action: 'FileUncompress' });
}

/**
 * The reason `name` is not a safe relative entry name, or null when it is. A trailing `/` marks
 * a folder entry. Names are refused rather than repaired: an archive that tries any of these was
 * not made by an honest tool.
 */
export function unsafeEntryName(name: string): string | null {
  if (name === '' || name === '/') return 'it is empty';
  // Control characters (NUL included) cut or disguise names in file systems and logs.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (name.includes('\\')) return 'it contains a backslash (ZIP names use /)';
  if (name.startsWith('/')) return 'it is absolute';
  if (/^[a-zA-Z]:/.test(name)) return 'it starts with a drive letter';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.some((segment) => segment === '..')) return 'it contains a .. segment';
  if (segments.some((segment) => segment === '' || segment === '.')) return 'it contains an empty or . segment';
  // fflate returns the files in a plain object, where this one name would be lost.
  if (name === '__proto__') return 'it is a reserved name';
  return null;
}

/** Builds a ZIP archive (deflated) of `entries`; their names must be safe relative names. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const files: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>;
  for (const entry of entries) {
    const problem = unsafeEntryName(entry.name);
    if (problem !== null) throw new WaymarkError('WM_ACTION_FAILED', `DirectoryCompress: '${entry.name}' cannot be stored in an archive: ${problem}`, { action: 'DirectoryCompress' });
    files[entry.name] = entry.data;
  }
  return zipSync(files, { level: 6 });
}

/**
 * Reads the files of a ZIP archive (folder entries are checked, then skipped). Everything is
 * checked from the central directory before any entry is unpacked, and an entry is never unpacked
 * beyond the size its header declares (fflate inflates into a buffer of exactly that size), so a
 * lying header cannot make it use more memory than the limits allow.
 */
export function readZip(archive: Uint8Array, limits: ZipReadLimits): ZipEntry[] {
  const maxEntries = limits.maxEntries ?? MAX_ZIP_ENTRIES;
  const accepted: UnzipFileInfo[] = [];
  const seen = new Set<string>();
  let total = 0;
  const check = (file: UnzipFileInfo): boolean => {
    if (accepted.length + 1 > maxEntries) throw unreadable(`it has more than ${maxEntries} entries`);
    const problem = unsafeEntryName(file.name);
    if (problem !== null) throw unreadable(`entry '${file.name}' has an unsafe name: ${problem}`);
    if (seen.has(file.name)) throw unreadable(`entry '${file.name}' appears twice`);
    seen.add(file.name);
    if (file.compression !== STORED && file.compression !== DEFLATED) {
      throw unreadable(`entry '${file.name}' uses compression method ${file.compression} (only stored and deflated entries are read)`);
    }
    if (file.compression === STORED && file.size !== file.originalSize) throw unreadable(`entry '${file.name}' is stored but its two sizes differ`);
    total += file.originalSize;
    if (total > limits.maxTotalBytes) throw unreadable(`it unpacks to more than ${limits.maxTotalBytes} bytes`);
    if (file.originalSize > RATIO_CHECKED_FROM_BYTES && file.originalSize > file.size * MAX_COMPRESSION_RATIO) {
      throw unreadable(`entry '${file.name}' unpacks to more than ${MAX_COMPRESSION_RATIO} times its packed size (a zip bomb?)`);
    }
    accepted.push(file);
    return !file.name.endsWith('/');
  };
  let unpacked: Record<string, Uint8Array>;
  try {
    unpacked = unzipSync(archive, { filter: check });
  } catch (error) {
    if (error instanceof WaymarkError) throw error;
    throw unreadable(`it is not a ZIP archive Waymark can read (${(error as Error).message})`);
  }
  const fileNames = new Set(accepted.filter((file) => !file.name.endsWith('/')).map((file) => file.name));
  for (const name of fileNames) {
    // `a` and `a/b` cannot both be unpacked; finding out halfway would leave half an archive behind.
    for (let slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
      if (fileNames.has(name.slice(0, slash))) throw unreadable(`entry '${name.slice(0, slash)}' is a file and also the folder of '${name}'`);
    }
  }
  const entries: ZipEntry[] = [];
  for (const file of accepted) {
    if (file.name.endsWith('/')) continue;
    const data = Object.hasOwn(unpacked, file.name) ? unpacked[file.name] : undefined;
    if (data === undefined || data.length !== file.originalSize) throw unreadable(`entry '${file.name}' is shorter than its header says`);
    entries.push({ name: file.name, data });
  }
  return entries;
}
