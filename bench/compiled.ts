/**
 * The bench runs the server as production does: compiled JavaScript in dist/, bundled, the files
 * `npm start` runs. `ensureCompiled` brings dist/ up to date first: every file under src/ that is
 * newer than its dist/ counterpart is compiled again with the project's compiler options
 * (tsconfig.build.json's file set: no tests, no testing helpers). It emits per file
 * (`ts.transpileModule`; the project sets isolatedModules, so the JavaScript is what `tsc` emits)
 * and skips the type check, which would take half a minute on a loaded 2-core machine and is
 * `npm run typecheck`'s job. Then it bundles dist/ again when it changed (scripts/bundle.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { WaymarkError } from '../src/errors/index.js';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const sourceRoot = join(projectRoot, 'src');
const outputRoot = join(projectRoot, 'dist');

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') && entry.name !== 'testing.ts') files.push(path);
  }
  return files;
}

function compilerOptions(): ts.CompilerOptions {
  const configFile = join(projectRoot, 'tsconfig.build.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new WaymarkError('WM_CONFIG_INVALID', `Cannot read ${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`, { setting: 'tsconfig', value: configFile });
  // NodeNext decides ESM or CommonJS from package.json ("type": "module"), which a file-by-file
  // transpile does not read; ES2022 modules are what tsc emits for this package.
  return { ...ts.parseJsonConfigFileContent(read.config, ts.sys, projectRoot).options, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler };
}

let checked = false;

/**
 * Compiles the files of src/ that changed since dist/ was written (once per process) and
 * returns how many it compiled.
 *
 * @throws WaymarkError `WM_INTERNAL` when a file cannot be compiled (a syntax error).
 */
export function ensureCompiled(log: (line: string) => void = () => {}): number {
  if (checked) return 0;
  const stale = sourceFiles(sourceRoot).filter((file) => {
    const output = join(outputRoot, relative(sourceRoot, file)).replace(/\.ts$/, '.js');
    return !existsSync(output) || statSync(file).mtimeMs > statSync(output).mtimeMs;
  });
  if (stale.length > 0) {
    log(`compiling ${stale.length} changed file(s) of src/ to dist/…`);
    const options = compilerOptions();
    for (const file of stale) {
      const output = join(outputRoot, relative(sourceRoot, file)).replace(/\.ts$/, '.js');
      const result = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file, reportDiagnostics: true });
      const errors = (result.diagnostics ?? []).filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
      if (errors.length > 0) {
        throw new WaymarkError('WM_INTERNAL', `Cannot compile ${relative(projectRoot, file)}: ${errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n')).join('; ')}`, { path: file });
      }
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, result.outputText);
      if (result.sourceMapText !== undefined) writeFileSync(`${output}.map`, result.sourceMapText);
    }
  }
  const bundled = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'bundle.mjs'), '--if-stale'], { cwd: projectRoot, encoding: 'utf8' });
  if (bundled.status !== 0) throw new WaymarkError('WM_INTERNAL', `Cannot bundle dist/: ${bundled.stderr.trim()}`, { exitCode: bundled.status });
  checked = true;
  return stale.length;
}
