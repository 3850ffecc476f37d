/**
 * The folders of src/ form layers (docs/architecture.md, "Folder map"): each may import only the
 * folders below it, so there is no cycle between folders, and only the composition root
 * (src/server/) assembles the application. These tests read every module's imports (static, type
 * and dynamic) and fail on a folder that breaks the order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../src/', import.meta.url));

/** The folders of src/, lowest first: a folder may import those before it, never those after it. */
export const FOLDER_ORDER = [
  'errors',
  'logging',
  'config',
  'scheme',
  'engine',
  'store',
  'vendor',
  'services',
  'actions',
  'callbacks',
  'runtime',
  'cluster',
  'access',
  'http',
  'identity',
  'dialects',
  'server',
  'cli',
] as const;

/** What only the composition root builds and so imports all together. */
const ASSEMBLED_AREAS = ['store', 'services', 'runtime', 'access', 'http', 'dialects'] as const;

/** One import of one module: the folder it is in and the folder it names. */
interface FolderImport {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Test helpers (`*.test.ts`) and test kits (`testing.ts`, imported by tests only) assemble
 * whatever a test needs, so they are outside the layers; production modules never import a kit
 * (checked below).
 */
function isTestModule(file: string): boolean {
  return file.endsWith('.test.ts') || file.endsWith(`${sep}testing.ts`);
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')` (a lazy load or a type).
const IMPORT_PATTERN = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The relative specifiers a module imports. */
export function importedSpecifiers(text: string): string[] {
  return [...text.matchAll(IMPORT_PATTERN)].map((match) => match[1] ?? match[2] ?? match[3] ?? '').filter((specifier) => specifier.startsWith('.'));
}

function folderOf(path: string): string | null {
  const inside = relative(SOURCE, path);
  if (inside.startsWith('..')) return null;
  const [folder] = inside.split(sep);
  return folder === undefined || folder === inside ? null : folder;
}

function folderImports(): { imports: FolderImport[]; kitImports: string[] } {
  const imports: FolderImport[] = [];
  const kitImports: string[] = [];
  for (const file of sourceFiles(SOURCE)) {
    if (isTestModule(file)) continue;
    const from = folderOf(file);
    if (from === null) continue;
    for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const target = normalize(join(dirname(file), specifier));
      if (target.endsWith(`${sep}testing.js`)) kitImports.push(`${relative(SOURCE, file)} → ${specifier}`);
      const to = folderOf(target);
      if (to !== null && to !== from) imports.push({ file: relative(SOURCE, file), from, to });
    }
  }
  return { imports, kitImports };
}

const { imports, kitImports } = folderImports();

test('the import reader finds static, re-exported, type and lazy imports', () => {
  const text = [
    "import { a } from '../engine/index.js';",
    "import type { B } from '../store/store.js';",
    "export { c } from './c.js';",
    "import './side-effect.js';",
    "const lazy = () => import('../server/index.js');",
    "type T = import('../dialects/api-v1/index.js').ApiV1Options;",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importedSpecifiers(text), ['../engine/index.js', '../store/store.js', './c.js', './side-effect.js', '../server/index.js', '../dialects/api-v1/index.js']);
});

test('every folder of src/ has its place in the order', () => {
  const folders = readdirSync(SOURCE, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  assert.deepEqual([...folders].sort(), [...FOLDER_ORDER].sort());
});

test('no folder imports a folder above it, so no two folders import each other', () => {
  const rank = (folder: string) => FOLDER_ORDER.indexOf(folder as (typeof FOLDER_ORDER)[number]);
  const upward = imports.filter((edge) => rank(edge.to) > rank(edge.from)).map((edge) => `${edge.file} imports ${edge.to}/`);
  assert.deepEqual(upward, []);
});

test('no folder cycle, whatever the order says', () => {
  const edges = new Map<string, Set<string>>();
  for (const edge of imports) {
    if (!edges.has(edge.from)) edges.set(edge.from, new Set());
    edges.get(edge.from)!.add(edge.to);
  }
  const cycles: string[] = [];
  const visit = (folder: string, path: readonly string[]): void => {
    for (const next of edges.get(folder) ?? []) {
      if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else visit(next, [...path, next]);
    }
  };
  for (const folder of edges.keys()) visit(folder, [folder]);
  assert.deepEqual(cycles, []);
});

test('only the composition root (src/server/) imports every area it assembles', () => {
  const areasOf = new Map<string, Set<string>>();
  for (const edge of imports) {
    if (!areasOf.has(edge.from)) areasOf.set(edge.from, new Set());
    areasOf.get(edge.from)!.add(edge.to);
  }
  const assemblers = [...areasOf].filter(([, areas]) => ASSEMBLED_AREAS.every((area) => areas.has(area))).map(([folder]) => folder);
  assert.deepEqual(assemblers, ['server']);
  const http = areasOf.get('http') ?? new Set();
  assert.equal(http.has('dialects') || http.has('identity') || http.has('store') || http.has('runtime'), false, 'the HTTP shell imports no dialect, store or runtime');
});

test('no production module imports a test kit', () => {
  assert.deepEqual(kitImports, []);
});
