/**
 * Records what a child Node process loads: every ES module it resolves (through a module resolve
 * hook) and every package it `require`s by name (CommonJS, `createRequire`). The child is started
 * with {@link ModuleRecorder.nodeArguments} before its script.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a recorded child process loaded. */
export interface ModuleRecorder {
  /** Put these before the script in the child's arguments. */
  readonly nodeArguments: readonly string[];
  /** Packages under node_modules it loaded so far, by name (`fastify`, `@fastify/swagger`). */
  packages(): Set<string>;
  /** URLs of the ES modules it resolved so far. */
  moduleUrls(): string[];
}

/** Writes the recorder's files into `dir` (a temporary folder the caller removes). */
export function moduleRecorder(dir: string): ModuleRecorder {
  const logFile = join(dir, 'loaded-modules.log');
  writeFileSync(logFile, '');
  const hook = join(dir, 'record-resolve.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
let logFile;
export function initialize(data) { logFile = data.logFile; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(logFile, 'url ' + resolved.url + '\\n');
  return resolved;
}
`,
  );
  const register = join(dir, 'record-modules.mjs');
  writeFileSync(
    register,
    `import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const logFile = ${JSON.stringify(logFile)};
register(${JSON.stringify(pathToFileURL(hook).href)}, { data: { logFile } });
const originalRequire = Module.prototype.require;
Module.prototype.require = function (id) {
  if (!id.startsWith('.') && !id.startsWith('/') && !id.startsWith('node:')) {
    appendFileSync(logFile, 'package ' + id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/') + '\\n');
  }
  return originalRequire.apply(this, arguments);
};
`,
  );
  const lines = (): string[] => readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  return {
    nodeArguments: ['--import', pathToFileURL(register).href],
    packages() {
      const names = new Set<string>();
      for (const line of lines()) {
        if (line.startsWith('package ')) names.add(line.slice('package '.length));
        const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
        if (line.startsWith('url ') && inPackage?.[1] !== undefined) names.add(inPackage[1]);
      }
      return names;
    },
    moduleUrls: () => lines().filter((line) => line.startsWith('url ')).map((line) => line.slice('url '.length)),
  };
}
